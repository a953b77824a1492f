"""The README runner (``tests/support/readme.py``) reads the conventions a README section keeps,
and a README that lies fails: a missing key, another literal value, another HTTP status, an
exit code, a variable a block forgot to set."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.readme import Shape, Shell, blocks, mismatches, shell_env

README = """\
# Title

```sh
not in the walk-through
```

## Try it as the loket

<!-- readme-test: skip -->
```sh
make run
```

```sh
X=1   # a trailing comment is shell
curl -s $LOKET -X POST https://127.0.0.1:8000/api/v1/casussen -d '{
  "a": 1
}' | tee .var/casus.json
# 201 {"casus_id": "MWL-2026-...", "status": "ingediend",
#   "huishouden": [{"pseudoniem": "psn-...", "rol": "aanvrager"}], "n": 2, "x": null}
curl -s $LOKET https://127.0.0.1:8000/api/v1/casussen/$CASUS \\
  -H 'accept: application/json'
```

```python
print("not shell")
```

## Operating it

```sh
outside
```
"""


def test_blocks_between_the_two_headings_with_the_skip_marker_and_each_commands_answer():
    found = blocks(README)
    assert [b.skip for b in found] == [True, False]
    steps = found[1].steps
    assert [s.command.splitlines()[0] for s in steps] == [
        "X=1   # a trailing comment is shell",
        "curl -s $LOKET -X POST https://127.0.0.1:8000/api/v1/casussen -d '{",
        "curl -s $LOKET https://127.0.0.1:8000/api/v1/casussen/$CASUS \\",
    ]
    assert steps[1].line == 16 and len(steps[1].expected) == 2
    assert [s.is_get for s in steps] == [False, False, True]
    shape = Shape.of(steps[1].expected)
    assert shape.status == 201
    assert dict(shape.pairs) == {"status": "ingediend", "rol": "aanvrager", "n": 2, "x": None}
    assert set(shape.keys) == {"casus_id", "huishouden", "pseudoniem"}


SHAPE = Shape.of(['201 {"casus_id": "MWL-...", "status": "ingediend", "items": [{"n": 2}]}'])


def test_an_answer_with_the_shape_passes_loosely():
    answer = '{"casus_id": "MWL-2026-000001", "status": "ingediend", "x": 1, "items": [{"n": 2}]}'
    assert mismatches(SHAPE, answer, 201) == []


@pytest.mark.parametrize(
    ("answer", "status", "wrong"),
    [
        ('{"casus_id": "x", "status": "gesloten", "items": [{"n": 2}]}', 201, 'no "status"'),
        ('{"status": "ingediend", "items": [{"n": 2}]}', 201, 'no key "casus_id"'),
        ('{"casus_id": "x", "status": "ingediend", "items": [{"n": 3}]}', 201, 'no "n": 2'),
        ('{"casus_id": "x", "status": "ingediend", "items": [{"n": 2}]}', 409, "HTTP status 409"),
        ("curl: (7) Failed to connect", 201, "not JSON"),
    ],
)
def test_a_readme_that_lies_fails(answer: str, status: int, wrong: str):
    found = mismatches(SHAPE, answer, status)
    assert any(wrong in w for w in found), found


def test_prose_comments_check_nothing():
    assert mismatches(Shape.of(["from the answer above"]), "anything", None) == []


def test_one_shell_keeps_variables_and_reports_exit_codes_and_http_status(tmp_path: Path):
    shell = Shell(tmp_path, shell_env(tmp_path))
    try:
        assert shell.run("A=$(echo 42)").code == 0
        out = shell.run('echo "{\\"a\\": $A}"')
        assert (out.code, out.output, out.status) == (0, '{"a": 42}\n', None)
        assert shell.run("false | cat").code == 1  # pipefail: a failing curl | jq fails
        assert shell.run("echo oops >&2; exit_code_of_missing_command").code == 127
        headers = tmp_path / "rt.headers"
        status = shell.run(f"printf 'HTTP/1.1 201 Created\\r\\n' > {headers}")
        assert status.status == 201
    finally:
        shell.close()
