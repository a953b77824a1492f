"""Publish the message contract from the code in ``schemas/``.

    python scripts/generate_contract.py            # regenerate every published file
    python scripts/generate_contract.py --check    # exit 1 listing differences and breaking changes
    python scripts/generate_contract.py --release  # freeze current schemas as released baseline

Published files: ``schemas/json/<type>.json`` (JSON Schema of the whole CloudEvent per message
type), ``schemas/examples/<type>.json`` (an example of each), ``schemas/asyncapi.json`` (AsyncAPI
3.0 of every topic), the generated tables in ``docs/contract.md`` and the hub's OpenAPI document
``docs/openapi.json``.

Compatibility: ``schemas/json/released/`` holds the schemas as last released. ``--check`` (and the
contract tests) fail when the code breaks one of them (see ``schemas.publish.compat``); a breaking
change must be a new type version instead. ``--release`` refreshes the baseline, and refuses while
anything breaks. It is all files in the repository: it works in a clean clone, no git or network.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas import event_types  # noqa: E402  (importing schemas registers every type)
from schemas.publish.asyncapi import build_asyncapi  # noqa: E402
from schemas.publish.compat import breaking_changes  # noqa: E402
from schemas.publish.json_schema import dumps, event_schema, loads  # noqa: E402
from schemas.publish.markdown import render_catalogue, replace_section  # noqa: E402
from schemas.topics import catalogue  # noqa: E402
from schemas.voorbeelden import voorbeelden  # noqa: E402

JSON_DIR = Path("schemas/json")
RELEASED_DIR = JSON_DIR / "released"
EXAMPLES_DIR = Path("schemas/examples")
ASYNCAPI = Path("schemas/asyncapi.json")
CONTRACT_DOC = Path("docs/contract.md")

Generator = Callable[[Path], dict[Path, str]]
"""Given the repository root, the files it publishes: path relative to the root -> full text."""


def json_schemas(root: Path) -> dict[Path, str]:
    return {JSON_DIR / f"{t}.json": dumps(event_schema(m)) for t, m in event_types().items()}


def examples(root: Path) -> dict[Path, str]:
    return {
        EXAMPLES_DIR / f"{t}.json": dumps(event.model_dump(mode="json"))
        for t, event in voorbeelden().items()
    }


def asyncapi(root: Path) -> dict[Path, str]:
    return {ASYNCAPI: dumps(build_asyncapi(catalogue(), event_types()))}


def contract_doc(root: Path) -> dict[Path, str]:
    current = (root / CONTRACT_DOC).read_text(encoding="utf-8")
    return {CONTRACT_DOC: replace_section(current, render_catalogue(catalogue(), event_types()))}


OPENAPI = Path("docs/openapi.json")


def openapi(root: Path) -> dict[Path, str]:
    """The hub's OpenAPI document (the loket API), from the FastAPI app; nothing is started."""
    from hub.app import create_app

    return {OPENAPI: dumps(create_app().openapi())}


GENERATORS: list[Generator] = [json_schemas, examples, asyncapi, contract_doc, openapi]
"""Every generator of published files, run in this order; ``--check`` guards each of them."""

OWNED_DIRS: tuple[Path, ...] = (JSON_DIR, EXAMPLES_DIR)
"""Every ``*.json`` directly in these directories is generated: one the code no longer makes is
stale and removed (``released/`` is a subdirectory, never touched except by ``--release``)."""


def expected(root: Path = ROOT) -> dict[Path, str]:
    files: dict[Path, str] = {}
    for generator in GENERATORS:
        files.update(generator(root))
    return files


def stale(root: Path, files: dict[Path, str]) -> list[Path]:
    return sorted(
        path.relative_to(root)
        for directory in OWNED_DIRS
        for path in (root / directory).glob("*.json")
        if path.relative_to(root) not in files
    )


def differences(root: Path = ROOT, *, context: int = 12) -> list[str]:
    """What differs between the committed files and the code, one entry per file."""
    files = expected(root)
    found: list[str] = []
    for path, text in files.items():
        target = root / path
        if not target.exists():
            found.append(f"missing: {path}")
            continue
        committed = target.read_text(encoding="utf-8")
        if committed != text:
            diff = difflib.unified_diff(
                committed.splitlines(),
                text.splitlines(),
                f"{path} (committed)",
                f"{path} (code)",
                lineterm="",
                n=1,
            )
            lines = list(diff)
            more = (
                f"\n    ... {len(lines) - context} more diff lines" if len(lines) > context else ""
            )
            found.append(f"differs: {path}\n    " + "\n    ".join(lines[:context]) + more)
    found += [f"stale: {path}" for path in stale(root, files)]
    return found


def compat_breaks(root: Path = ROOT) -> list[str]:
    """Every breaking change of a released message type; removed types count too."""
    types = event_types()
    found: list[str] = []
    for released in sorted((root / RELEASED_DIR).glob("*.json")):
        event_type = released.stem
        model = types.get(event_type)
        if model is None:
            found.append(f"{event_type}: released type removed")
            continue
        old = loads(released.read_text(encoding="utf-8"))
        found += [f"{event_type}: {b}" for b in breaking_changes(old, event_schema(model))]
    return found


def write(root: Path = ROOT) -> list[Path]:
    """Regenerate every published file; returns the paths that changed or were removed."""
    files = expected(root)
    changed: list[Path] = []
    for path in stale(root, files):
        (root / path).unlink()
        changed.append(path)
    for path, text in files.items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def release(root: Path = ROOT) -> list[Path]:
    """Freeze the current schema of every type as the released baseline."""
    written: list[Path] = []
    (root / RELEASED_DIR).mkdir(parents=True, exist_ok=True)
    for event_type, model in event_types().items():
        path = RELEASED_DIR / f"{event_type}.json"
        text = dumps(event_schema(model))
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 on differences")
    mode.add_argument("--release", action="store_true", help="refresh schemas/json/released/")
    args = parser.parse_args(argv)

    breaks = compat_breaks(ROOT)
    if args.check:
        problems = differences(ROOT) + [f"breaking: {b}" for b in breaks]
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s); run: python scripts/generate_contract.py")
            return 1
        print(f"contract up to date ({len(event_types())} message types)")
        return 0
    for path in write(ROOT):
        print(f"wrote {path}")
    if breaks:
        for b in breaks:
            print(f"breaking: {b}", file=sys.stderr)
        print(
            "breaking changes against schemas/json/released/: publish a new type version "
            "(...v2) instead",
            file=sys.stderr,
        )
        return 1
    if args.release:
        for path in release(ROOT):
            print(f"released {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
