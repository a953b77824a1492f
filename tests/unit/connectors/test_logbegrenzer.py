"""One log line per record per interval, with the number held back."""

from connectors.base.logbegrenzer import LogBegrenzer


def _begrenzer(max_sleutels: int = 100):
    klok = [0.0]
    return LogBegrenzer(interval=30, max_sleutels=max_sleutels, klok=lambda: klok[0]), klok


def test_the_first_line_passes_repeats_within_the_interval_are_counted():
    begrenzer, klok = _begrenzer()
    assert begrenzer.mag("r") == 0
    for t in (1.0, 10.0, 29.9):
        klok[0] = t
        assert begrenzer.mag("r") is None
    klok[0] = 30.0
    assert begrenzer.mag("r") == 3  # passes, and says how many were held back
    klok[0] = 31.0
    assert begrenzer.mag("r") is None


def test_records_are_limited_each_on_their_own():
    begrenzer, _ = _begrenzer()
    assert begrenzer.mag(("t", 0, 1)) == 0
    assert begrenzer.mag(("t", 0, 2)) == 0
    assert begrenzer.mag(("t", 0, 1)) is None


def test_a_record_done_is_forgotten():
    begrenzer, _ = _begrenzer()
    begrenzer.mag("r")
    begrenzer.vergeet("r")
    assert begrenzer.mag("r") == 0


def test_the_number_of_records_kept_is_bounded():
    begrenzer, _ = _begrenzer(max_sleutels=2)
    for sleutel in ("a", "b", "c"):
        begrenzer.mag(sleutel)
    assert begrenzer.mag("a") == 0  # the oldest was forgotten
    assert begrenzer.mag("c") is None
