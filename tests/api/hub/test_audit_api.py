"""The audit trail over HTTP: entries carry their place in the chain, and an action whose audit
entry cannot be written is refused (FSC logging), with nothing changed or queued."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.loket import casus_body, opschorting_body

BSN = "999990019"
API = "/api/v1/casussen"


async def _sql(loket, sql: str) -> int:
    """Run ``sql`` on the hub's own store (its engine waits for the store's lock)."""
    engine = loket._transport.app.state.hub.engine
    async with engine.begin() as conn:
        result = await conn.execute(text(sql))
        return result.scalar_one() if result.returns_rows else 0


async def _count(loket, table: str) -> int:
    return await _sql(loket, f"SELECT count(*) FROM {table}")


async def _refuse_audit_writes(loket) -> None:
    """The audit store fails every write (a full disk, a revoked grant): a trigger aborts it."""
    await _sql(
        loket,
        "CREATE TRIGGER audit_weigert BEFORE INSERT ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END",
    )


async def test_audit_entries_carry_sequence_and_hash(loket):
    casus_id = (await loket.post(API, json=casus_body(BSN))).json()["casus_id"]
    await loket.post(f"{API}/{casus_id}/acceptatie")
    entries = (await loket.get(f"{API}/{casus_id}/audit")).json()
    assert [e["actie"] for e in entries] == ["casus.ingediend", "casus.geaccepteerd"]
    assert [e["sequence"] for e in entries] == [1, 2]
    assert all(len(e["hash"]) == 64 for e in entries)
    assert entries[0]["hash"] != entries[1]["hash"]


async def test_an_action_that_cannot_be_logged_is_refused_and_changes_nothing(
    loket,
):
    casus_id = (await loket.post(API, json=casus_body(BSN))).json()["casus_id"]
    outbox_before = await _count(loket, "outbox")
    await _refuse_audit_writes(loket)

    submitted = await loket.post(API, json=casus_body(BSN))
    ordered = await loket.post(f"{API}/{casus_id}/opschortingen", json=opschorting_body("cjib"))
    accepted = await loket.post(f"{API}/{casus_id}/acceptatie")

    for response in (submitted, ordered, accepted):
        assert response.status_code == 500, response.text
        assert response.json() == {
            "detail": [
                {
                    "field": None,
                    "message": "the audit entry of this action could not be written",
                    "type": "TRANSACTION_LOG_WRITE_ERROR",
                }
            ]
        }
    assert await _count(loket, "casus") == 1
    assert await _count(loket, "opschorting") == 0
    assert await _count(loket, "outbox") == outbox_before
    assert await _count(loket, "audit") == 1
    assert (await loket.get(f"{API}/{casus_id}")).json()["status"] == "ingediend"
