"""One log line per failing record per interval, with the number held back (``schemas.logs``)."""

from schemas.logs import LogThrottle


def _throttle(max_keys: int = 100):
    clock = [0.0]
    return LogThrottle(30, max_keys=max_keys, clock=lambda: clock[0]), clock


def test_the_first_line_passes_repeats_within_the_interval_are_counted():
    throttle, clock = _throttle()
    assert throttle.allow("r") == 0
    for t in (1.0, 10.0, 29.9):
        clock[0] = t
        assert throttle.allow("r") is None
    clock[0] = 30.0
    assert throttle.allow("r") == 3  # passes, and says how many were held back
    clock[0] = 31.0
    assert throttle.allow("r") is None


def test_records_are_limited_each_on_their_own():
    throttle, _ = _throttle()
    assert throttle.allow(("t", 0, 1)) == 0
    assert throttle.allow(("t", 0, 2)) == 0
    assert throttle.allow(("t", 0, 1)) is None


def test_a_record_done_is_forgotten():
    throttle, _ = _throttle()
    throttle.allow("r")
    throttle.forget("r")
    assert throttle.allow("r") == 0


def test_the_number_of_records_kept_is_bounded():
    throttle, _ = _throttle(max_keys=2)
    for key in ("a", "b", "c"):
        throttle.allow(key)
    assert throttle.allow("a") == 0  # the oldest was forgotten
    assert throttle.allow("c") is None
