"""The shared log format (JSON lines, nine-digit runs masked) and the trace header's reading."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys

import pytest
import structlog

from schemas.logs import mask_bsns, processors, renderer
from schemas.tracing import trace_id_of

BSN = "999990019"
TRACE = "0af7651916cd43dd8448eb211c80319c"


class NamedLogger(structlog.PrintLogger):
    name = "test"


def json_logger(out: io.StringIO) -> structlog.typing.FilteringBoundLogger:
    return structlog.wrap_logger(
        NamedLogger(out),
        processors=[*processors(), renderer("json")],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
    )


def test_a_line_is_one_json_object_with_level_timestamp_and_the_bound_ids():
    out = io.StringIO()
    with structlog.contextvars.bound_contextvars(casus_id="CAS-1", event_id="e-1"):
        json_logger(out).info("instruction answered", referentie="CJIB-1")
    line = json.loads(out.getvalue())
    assert line["event"] == "instruction answered"
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")
    assert (line["casus_id"], line["event_id"], line["referentie"]) == ("CAS-1", "e-1", "CJIB-1")


def test_every_nine_digit_run_is_masked_in_every_string_value_nested_too():
    out = io.StringIO()
    json_logger(out).warning(
        f"refused for {BSN}",
        detail=f"bsn={BSN};",
        nested={"lid": [BSN, "ok"]},
        number=123456789,  # not a string: left alone (a count, not a BSN)
        longer="1234567890",
    )
    text = out.getvalue()
    assert BSN not in text
    line = json.loads(text)
    assert line["event"] == "refused for *********"
    assert line["nested"] == {"lid": ["*********", "ok"]}
    assert line["longer"] == "1234567890"


def test_mask_bsns_is_a_processor_on_its_own():
    assert mask_bsns(None, "info", {"event": f"x {BSN} y"}) == {"event": "x ********* y"}


def test_trace_ids_are_ids_not_bsns_even_with_nine_digits_in_a_row():
    trace_id = "5b8efff798038103d269b633813fc60c"  # "798038103": nine digits by chance
    event = {"trace_id": trace_id, "traceparent": f"00-{trace_id}-eee19b7ec3c1b174-01"}
    assert mask_bsns(None, "info", dict(event)) == event
    smuggled = {"trace_id": f"bsn {BSN}", "event": f"00-{trace_id}-eee19b7ec3c1b174-01"}
    masked = mask_bsns(None, "info", smuggled)
    assert masked["trace_id"] == "bsn *********"  # not the shape of an id: masked
    assert "798038103" not in masked["event"]  # under another key: masked


def test_uuid_ids_under_id_keys_are_ids_not_bsns_even_with_nine_digits_in_a_row():
    uuid = "0b7c2f4e-6a1d-4f3b-9e8a-a123456789bc"  # "123456789": nine digits by chance
    event = {"event_id": uuid, "casus_id": uuid.upper(), "id": uuid}
    assert mask_bsns(None, "info", dict(event)) == event
    smuggled = {"event_id": f"bsn {BSN}", "casus_id": BSN, "event": uuid}
    masked = mask_bsns(None, "info", smuggled)
    assert (masked["event_id"], masked["casus_id"]) == ("bsn *********", "*********")
    assert "123456789" not in masked["event"]  # a uuid under a key that is no id's: masked


def test_console_rendering_is_there_for_humans():
    assert not isinstance(renderer("console"), structlog.processors.JSONRenderer)
    assert isinstance(renderer("json"), structlog.processors.JSONRenderer)


def test_trace_id_of_reads_a_w3c_traceparent():
    assert trace_id_of(f"00-{TRACE}-b7ad6b7169203331-01") == TRACE
    assert trace_id_of(f"00-{'0' * 32}-b7ad6b7169203331-01") is None
    assert trace_id_of("nonsense") is None
    assert trace_id_of(None) is None


CONFIGURED = f"""
import logging, structlog
from schemas.logs import configure_logging
configure_logging()
structlog.get_logger("hub.test").info("casus {BSN} seen", casus_id="CAS-1")
logging.getLogger("uvicorn.error").warning("foreign line about %s", "{BSN}")
import warnings
warnings.warn("old API")
"""


@pytest.mark.subprocess
def test_a_configured_process_writes_json_lines_only_and_masks_the_standard_librarys_too():
    """structlog's lines, the standard library's and warnings: each one JSON object."""
    done = subprocess.run(
        [sys.executable, "-c", CONFIGURED], capture_output=True, text=True, check=True, timeout=60
    )
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [line["logger"] for line in lines] == ["hub.test", "uvicorn.error", "py.warnings"]
    assert lines[0]["casus_id"] == "CAS-1" and lines[0]["level"] == "info"
    assert lines[1]["event"] == "foreign line about *********" and lines[1]["level"] == "warning"
    assert BSN not in done.stderr
