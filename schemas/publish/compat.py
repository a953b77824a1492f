"""A small JSON Schema differ: does a new schema of a message type break its released one?

Compatibility is *backward* (Confluent's ``BACKWARD``): every message valid under the released
schema must stay valid under the new one, so consumers can upgrade first and still read what
not-yet-upgraded producers send. Breaking, and so needing a new type version, is:

- a field removed (the object admits no other properties) or newly required;
- a type narrowed (a type or an ``anyOf`` alternative dropped, ``number`` to ``integer``);
- an enum value removed, an enum or ``const`` added where there was none, a ``const`` changed;
- a ``pattern`` or ``format`` added or changed (the differ cannot prove a new pattern wider),
  except a ``pattern`` that replaces an ``enum`` (or ``const``) and matches each of its values;
- a bound tightened (``minLength``, ``maxLength``, ``minimum``, ``maximum``, ``minItems``,
  ``maxItems``, ...), ``uniqueItems`` or ``additionalProperties: false`` added;
- any other validation keyword (``allOf``, ``if``, ``not``, ...) added or changed.

Widening (a new optional field, a new enum value, a looser bound, a dropped pattern, an enum
opened to a pattern its values match) is allowed.
Annotations (``title``, ``description``, ``examples``, ``default``) never matter. ``$ref`` is
followed on both sides, so renaming a ``$defs`` entry is not a change by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "default",
        "$comment",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "$defs",
        "definitions",
    }
)
_HANDLED = frozenset(
    {
        "$ref",
        "type",
        "anyOf",
        "oneOf",
        "enum",
        "const",
        "pattern",
        "format",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "prefixItems",
        "uniqueItems",
    }
)
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")


@dataclass(frozen=True, slots=True)
class Break:
    """One breaking change: where (a path into the message) and which rule it breaks."""

    path: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule} ({self.detail})"


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Break]:
    """Every way ``new`` rejects messages that ``old`` accepted; empty when compatible."""
    differ = _Differ(old, new)
    differ.compare(old, new, "$")
    return differ.breaks


class _Differ:
    def __init__(self, old_root: dict[str, Any], new_root: dict[str, Any]) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.breaks: list[Break] = []
        self._seen: set[tuple[str, str, str]] = set()

    def _break(self, path: str, rule: str, detail: str) -> None:
        self.breaks.append(Break(path, rule, detail))

    def _resolve(self, node: Any, root: dict[str, Any]) -> Any:
        hops = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise ValueError(f"only local $ref is supported, got {ref!r}")
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings else target
            hops += 1
            if hops > 50:
                raise ValueError(f"$ref loop at {ref}")
        return node

    def compare(self, old: Any, new: Any, path: str) -> None:
        key = (path, _ref_of(old), _ref_of(new))
        if key[1] and key[2]:
            if key in self._seen:
                return
            self._seen.add(key)
        old = self._resolve(old, self.old_root)
        new = self._resolve(new, self.new_root)
        if new is True or new == {}:
            return
        if old is True or old == {}:
            self._break(path, "narrowed type", "was unconstrained")
            return
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new:
                self._break(path, "changed schema", f"{old!r} -> {new!r}")
            return
        old_alts, new_alts = _alternatives(old), _alternatives(new)
        if len(old_alts) > 1 or len(new_alts) > 1:
            self._compare_alternatives(old, new, old_alts, new_alts, path)
            return
        self._compare_node(old, new, path)

    def _compare_alternatives(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        old_alts: list[Any],
        new_alts: list[Any],
        path: str,
    ) -> None:
        resolved_new = [self._resolve(a, self.new_root) for a in new_alts]
        for alt in old_alts:
            kinds = _kinds(self._resolve(alt, self.old_root))
            candidates = [
                new_alts[i]
                for i, n in enumerate(resolved_new)
                if _kinds(n) & kinds or "any" in kinds or "any" in _kinds(n)
            ]
            if not candidates:
                self._break(
                    path, "narrowed type", f"alternative {sorted(kinds)} no longer accepted"
                )
                continue
            # The old alternative is fine if some new alternative accepts all it accepted.
            best: list[Break] | None = None
            for candidate in candidates:
                trial = _Differ(self.old_root, self.new_root)
                trial._seen = set(self._seen)
                trial.compare(alt, candidate, path)
                if best is None or len(trial.breaks) < len(best):
                    best = trial.breaks
                if not trial.breaks:
                    break
            self.breaks.extend(best or [])
        self._compare_other_keywords(old, new, path, skip={"anyOf", "oneOf"})

    def _compare_node(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        old_kinds, new_kinds = _kinds(old), _kinds(new)
        if "any" not in new_kinds:
            lost = {k for k in old_kinds if k not in new_kinds and not _widened(k, new_kinds)} - {
                "any"
            }
            if "any" in old_kinds or lost:
                self._break(path, "narrowed type", f"{sorted(old_kinds)} -> {sorted(new_kinds)}")
        self._compare_values(old, new, path)
        self._compare_bounds(old, new, path)
        if "properties" in old or "properties" in new or "required" in new:
            self._compare_object(old, new, path)
        if "items" in old or "items" in new:
            self.compare(old.get("items", True), new.get("items", True), f"{path}[]")
        if "prefixItems" in old or "prefixItems" in new:
            self._compare_prefix_items(old, new, path)
        self._compare_other_keywords(old, new, path)

    def _compare_values(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        if "const" in new:
            if "const" not in old:
                self._break(path, "changed const", f"const {new['const']!r} added")
            elif old["const"] != new["const"]:
                self._break(path, "changed const", f"{old['const']!r} -> {new['const']!r}")
        if "enum" in new:
            if "enum" in old:
                removed = [v for v in old["enum"] if v not in new["enum"]]
                if removed:
                    self._break(path, "narrowed enum", f"values removed: {removed!r}")
            elif "const" in old:
                if old["const"] not in new["enum"]:
                    self._break(path, "narrowed enum", f"{old['const']!r} no longer allowed")
            else:
                self._break(path, "narrowed enum", "enum added")
        for keyword in ("pattern", "format"):
            if keyword == "pattern" and _opened(old, new):
                continue
            if keyword in new and old.get(keyword) != new[keyword]:
                was = old.get(keyword)
                detail = f"{keyword} added" if was is None else f"{was!r} -> {new[keyword]!r}"
                self._break(path, f"narrowed {keyword}", detail)

    def _compare_bounds(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for keyword in _LOWER_BOUNDS:
            if keyword in new and (keyword not in old or new[keyword] > old[keyword]):
                self._break(
                    path, "tightened bound", f"{keyword} {old.get(keyword)} -> {new[keyword]}"
                )
        for keyword in _UPPER_BOUNDS:
            if keyword in new and (keyword not in old or new[keyword] < old[keyword]):
                self._break(
                    path, "tightened bound", f"{keyword} {old.get(keyword)} -> {new[keyword]}"
                )
        if new.get("multipleOf") not in (None, old.get("multipleOf")):
            self._break(path, "tightened bound", f"multipleOf -> {new['multipleOf']}")
        if new.get("uniqueItems") and not old.get("uniqueItems"):
            self._break(path, "tightened bound", "uniqueItems added")

    def _compare_object(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        old_props: dict[str, Any] = old.get("properties", {})
        new_props: dict[str, Any] = new.get("properties", {})
        new_additional = new.get("additionalProperties", True)
        for name, schema in old_props.items():
            if name in new_props:
                self.compare(schema, new_props[name], f"{path}.{name}")
            elif new_additional is False:
                self._break(f"{path}.{name}", "removed field", "no longer allowed")
            else:
                self.compare(schema, new_additional, f"{path}.{name}")
        newly_required = set(new.get("required", ())) - set(old.get("required", ()))
        for name in sorted(newly_required):
            self._break(f"{path}.{name}", "newly required field", "old messages may lack it")
        old_additional = old.get("additionalProperties", True)
        if old_additional is not False and new_additional is False:
            self._break(path, "closed object", "additionalProperties: false added")
        elif isinstance(old_additional, dict) and isinstance(new_additional, dict):
            self.compare(old_additional, new_additional, f"{path}.*")

    def _compare_prefix_items(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        old_items: list[Any] = old.get("prefixItems", [])
        new_items: list[Any] = new.get("prefixItems", [])
        for index, schema in enumerate(old_items):
            if index < len(new_items):
                self.compare(schema, new_items[index], f"{path}[{index}]")
        if len(new_items) > len(old_items):
            self._break(path, "narrowed type", "prefixItems added")

    def _compare_other_keywords(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        skip: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        checked = ANNOTATIONS | _HANDLED | set(_LOWER_BOUNDS) | set(_UPPER_BOUNDS) | {"multipleOf"}
        for keyword in sorted(set(new) - checked - set(skip)):
            if old.get(keyword) != new[keyword]:
                self._break(path, "changed constraint", f"{keyword} added or changed")


def _opened(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """``new`` replaces ``old``'s closed list of values by a pattern each of them matches (an
    agency code: from the agencies installed to any well-formed code): wider, not narrower."""
    if "pattern" not in new or "pattern" in old or "enum" in new:
        return False
    values = old["enum"] if "enum" in old else [old["const"]] if "const" in old else None
    if values is None:
        return False
    pattern = re.compile(new["pattern"])
    return all(isinstance(v, str) and pattern.search(v) is not None for v in values)


def _ref_of(node: Any) -> str:
    return node.get("$ref", "") if isinstance(node, dict) else ""


def _alternatives(node: dict[str, Any]) -> list[Any]:
    for keyword in ("anyOf", "oneOf"):
        if keyword in node:
            alternatives: list[Any] = node[keyword]
            return alternatives
    return [node]


def _kinds(node: Any) -> set[str]:
    """The JSON types a (resolved) schema node admits; ``any`` when it does not say."""
    if not isinstance(node, dict):
        return {"any"}
    declared = node.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {str(t) for t in declared}
    if "properties" in node:
        return {"object"}
    if "items" in node or "prefixItems" in node:
        return {"array"}
    if "const" in node:
        return {_json_type(node["const"])}
    if "enum" in node:
        return {_json_type(v) for v in node["enum"]}
    return {"any"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _widened(kind: str, new_kinds: set[str]) -> bool:
    return kind == "integer" and "number" in new_kinds
