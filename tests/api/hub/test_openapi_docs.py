"""``/docs`` groups the operations by instrument: every operation has a tag the API describes
(none under "default", where the time-out's and the processing log's once were), and the API's
description names what the hub does now, not only time-outs."""

from __future__ import annotations


async def test_every_operation_is_grouped_under_a_described_tag(loket):
    document = (await loket.get("/openapi.json")).json()
    described = [t["name"] for t in document["tags"]]
    assert all(t.get("description") for t in document["tags"])
    untagged = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if not set(operation.get("tags", ())) & set(described)
    ]
    assert untagged == []
    paths = document["paths"]
    tag_of = {f"{m.upper()} {p}": o["tags"] for p, ops in paths.items() for m, o in ops.items()}
    assert tag_of["POST /api/v1/casussen/{casus_id}/opschortingen"] == ["opschorting"]
    assert tag_of["POST /api/v1/opschortingen/controle"] == ["controle"]
    assert tag_of["GET /api/v1/verwerkingen"] == ["verwerkingen"]


async def test_the_description_says_what_the_hub_does(loket):
    info = (await loket.get("/openapi.json")).json()["info"]
    for instrument in ("time-out", "information requests", "debt overview", "Maatwerkregister"):
        assert instrument in info["description"]
