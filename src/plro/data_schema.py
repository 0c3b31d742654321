"""Read ``datapackage.json`` and check that the loader can enforce every part of it.

The descriptor is a Frictionless Data Package. The loader implements exactly
the part of the Table Schema specification the package uses, and rejects
everything else rather than ignoring it (a misspelt ``"constraint"`` would
otherwise drop a constraint silently):

* resources: a ``.csv`` file name in the data folder, UTF-8, comma-separated
  (no ``dialect``), optional ``bytes`` and ``hash`` (``sha256:<hex>``);
* field types ``boolean``, ``integer``, ``number``, ``string``; ``bareNumber``
  (true only), ``trueValues``/``falseValues``;
* constraints ``required``, ``unique``, ``enum``, ``minimum``, ``maximum``,
  ``pattern``, ``minLength``, ``maxLength``, each only on the types it fits;
* ``primaryKey`` (required on every resource), ``foreignKeys`` to a described
  resource and fields, ``missingValues``.

Every problem names ``datapackage.json``, the resource and, where one is
concerned, the field. How cells are typed and checked: :mod:`plro.data_values`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from plro.data_errors import DataProblem, PLRODataError

__all__ = ["DESCRIPTOR", "TYPES", "FieldSpec", "ForeignKey", "ResourceSpec", "read_descriptor",
           "resource_specs"]

DESCRIPTOR = "datapackage.json"
"""File name of the package descriptor inside the data folder."""

TYPES = ("boolean", "integer", "number", "string")
"""The Table Schema field types the loader supports."""

_RESOURCE_KEYS = {"name", "path", "profile", "format", "mediatype", "encoding", "title",
                  "description", "sources", "licenses", "schema", "bytes", "hash"}
_FIXED = {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
          "profile": "tabular-data-resource"}
_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues"}
_FIELD_KEYS = {"name", "type", "description", "unit", "bareNumber", "trueValues", "falseValues",
               "constraints"}
_NUMERIC = ("integer", "number")
_CONSTRAINT_TYPES = {"required": TYPES, "unique": TYPES, "enum": TYPES, "minimum": _NUMERIC,
                     "maximum": _NUMERIC, "pattern": ("string",), "minLength": ("string",),
                     "maxLength": ("string",)}
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PATH = re.compile(r"[A-Za-z0-9_-]+\.csv")
_HASH = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a resource's schema, as the loader uses it."""

    name: str
    type: str
    constraints: dict
    true_values: tuple[str, ...] = ("true",)
    false_values: tuple[str, ...] = ("false",)


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this resource must match ``reference`` fields of ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class ResourceSpec:
    """One resource of the descriptor: file, fields, keys and recorded integrity."""

    name: str
    path: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    bytes: int | None
    hash: str | None

    @property
    def field_names(self) -> list[str]:
        """The field names in schema order (the required CSV header)."""
        return [f.name for f in self.fields]


def read_descriptor(data_dir: Path) -> dict:
    """The parsed ``datapackage.json`` of ``data_dir``; :class:`PLRODataError` if unreadable.

    Missing file, invalid UTF-8, invalid JSON (with its line), a duplicate key
    in one JSON object, and a top level without a ``resources`` list are errors.
    """
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        raise PLRODataError([DataProblem(DESCRIPTOR, None, None, f"file not found in {data_dir}")])
    raw = path.read_bytes()
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        keys = [k for k, _ in items]
        duplicates.extend(k for k in dict.fromkeys(keys) if keys.count(k) > 1)
        return dict(items)

    try:
        descriptor = json.loads(raw.decode("utf-8"), object_pairs_hook=pairs)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PLRODataError([DataProblem(DESCRIPTOR, line, None, "not valid UTF-8")]) from None
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise PLRODataError([DataProblem(DESCRIPTOR, exc.lineno, None, problem)]) from None
    problems = [DataProblem(DESCRIPTOR, None, None, f"duplicate key {k!r} in one JSON object "
                            "(JSON keeps only the last one)") for k in duplicates]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        problems.append(DataProblem(DESCRIPTOR, None, None,
                                    "must be a JSON object with a list of 'resources'"))
    if problems:
        raise PLRODataError(problems)
    return descriptor


def _field_spec(field: object, report) -> FieldSpec | None:
    """Check one schema field; ``report(field_name, problem)`` records what is wrong."""
    if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
        report(None, f"a field without a name: {field!r}")
        return None
    name, kind = field["name"], field.get("type")
    if kind not in TYPES:
        report(name, f"unknown type {kind!r} (the loader supports: {', '.join(TYPES)})")
        return None
    for key in sorted(set(field) - _FIELD_KEYS):
        report(name, f"unknown property {key!r} (supported: {', '.join(sorted(_FIELD_KEYS))})")
    if field.get("bareNumber", True) is not True or ("bareNumber" in field and kind not in _NUMERIC):
        report(name, "'bareNumber' may only be true, on integer and number fields")
    values = {"trueValues": ("true",), "falseValues": ("false",)}
    for key in values:
        if key not in field:
            continue
        if kind != "boolean" or not isinstance(field[key], list) or not all(
                isinstance(v, str) for v in field[key]):
            report(name, f"{key!r} must be a list of strings, on a boolean field")
        else:
            values[key] = tuple(field[key])
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        report(name, "'constraints' must be a JSON object")
        constraints = {}
    for key, value in constraints.items():
        problem = _constraint_problem(kind, key, value)
        if problem:
            report(name, problem)
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if _is_number(low) and _is_number(high) and low > high:
        report(name, "constraint 'minimum' is larger than 'maximum'")
    return FieldSpec(name, kind, dict(constraints), values["trueValues"], values["falseValues"])


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _constraint_problem(kind: str, key: str, value: object) -> str | None:
    """What is wrong with constraint ``key: value`` on a field of type ``kind`` (None if fine)."""
    if key not in _CONSTRAINT_TYPES:
        return f"unknown constraint {key!r} (supported: {', '.join(_CONSTRAINT_TYPES)})"
    if kind not in _CONSTRAINT_TYPES[key]:
        return f"constraint {key!r} does not apply to {kind} fields"
    if key in ("required", "unique"):
        return None if isinstance(value, bool) else f"constraint {key!r} must be true or false"
    if key in ("minimum", "maximum"):
        return None if _is_number(value) else f"constraint {key!r} must be a number"
    if key in ("minLength", "maxLength"):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else f"constraint {key!r} must be a whole number >= 0"
    if key == "pattern":
        try:
            re.compile(value)
        except (re.error, TypeError) as exc:
            return f"constraint 'pattern' is not a valid regular expression ({exc})"
        return None
    expected = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                "number": _is_number, "string": lambda v: isinstance(v, str),
                "boolean": lambda v: isinstance(v, bool)}[kind]
    if not isinstance(value, list) or not value or not all(expected(v) for v in value):
        return f"constraint 'enum' must be a non-empty list of {kind} values"
    return None


def _keys(schema: dict, names: list[str], report) -> tuple[tuple[str, ...], list[ForeignKey]]:
    """The checked primary key and foreign keys of one schema."""
    primary = schema.get("primaryKey")
    if primary is None:
        report(None, "schema has no 'primaryKey' (every resource needs one)")
        primary = []
    elif not isinstance(primary, list) or not primary or not all(isinstance(p, str) for p in primary):
        report(None, "'primaryKey' must be a non-empty list of field names")
        primary = []
    for name in primary:
        if name not in names:
            report(name, "'primaryKey' names a field the schema does not describe")
    foreign = []
    for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys", []), list) else [None]:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        ok = (isinstance(ref, dict) and isinstance(ref.get("resource"), str)
              and all(isinstance(v, list) and v and all(isinstance(s, str) for s in v)
                      for v in (fk.get("fields"), ref.get("fields")))
              and len(fk["fields"]) == len(ref["fields"]))
        if not ok:
            report(None, f"malformed entry in 'foreignKeys': {fk!r}")
            continue
        for name in fk["fields"]:
            if name not in names:
                report(name, "'foreignKeys' names a field the schema does not describe")
        foreign.append(ForeignKey(tuple(fk["fields"]), ref["resource"], tuple(ref["fields"])))
    return tuple(primary), foreign


def _resource_spec(res: object, report) -> ResourceSpec | None:
    """Check one resource entry; ``report(field, problem)`` records what is wrong with it."""
    if not isinstance(res, dict):
        report(None, "each entry of 'resources' must be a JSON object")
        return None
    for key in sorted(set(res) - _RESOURCE_KEYS):
        report(None, f"unknown property {key!r} (supported: {', '.join(sorted(_RESOURCE_KEYS))})")
    for key, value in _FIXED.items():
        if key in res and str(res[key]).lower() != value:
            report(None, f"{key!r} is {res[key]!r}; the loader reads only {value!r}")
    path = res.get("path")
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        report(None, f"'path' {path!r} must be a .csv file name inside the data folder")
    size, digest = res.get("bytes"), res.get("hash")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        report(None, f"'bytes' {size!r} must be a whole number of bytes")
    if digest is not None and (not isinstance(digest, str) or not _HASH.fullmatch(digest)):
        report(None, f"'hash' {digest!r} must be 'sha256:' and 64 lowercase hex digits")
    schema = res.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        report(None, "no 'schema' with a non-empty list of 'fields'")
        return None
    for key in sorted(set(schema) - _SCHEMA_KEYS):
        report(None, f"unknown schema property {key!r} (supported: {', '.join(sorted(_SCHEMA_KEYS))})")
    fields = [_field_spec(f, report) for f in schema["fields"]]
    names = [f["name"] for f in schema["fields"] if isinstance(f, dict) and "name" in f]
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        report(name, "field name appears more than once in the schema")
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        report(None, "'missingValues' must be a list of strings")
        missing = [""]
    primary, foreign = _keys(schema, names, report)
    if None in fields:
        return None
    return ResourceSpec(res.get("name"), path, tuple(fields), primary, tuple(foreign),
                        tuple(missing), size, digest)


def resource_specs(descriptor: dict) -> tuple[dict[str, ResourceSpec], list[DataProblem]]:
    """Check every resource of a parsed descriptor; return the usable specs and every problem.

    Each problem names ``datapackage.json``, the resource (its name, or its
    position ``#N`` when it has none) and, where one is concerned, the field.
    """
    specs: dict[str, ResourceSpec] = {}
    problems: list[DataProblem] = []
    labels = []
    for index, res in enumerate(descriptor["resources"], start=1):
        name = res.get("name") if isinstance(res, dict) else None
        label = name if isinstance(name, str) and name else f"#{index}"
        labels.append(label)

        def report(field: str | None, problem: str, label: str = label) -> None:
            problems.append(DataProblem(DESCRIPTOR, None, field, problem, resource=label))

        if not isinstance(name, str) or not _NAME.fullmatch(name):
            report(None, f"'name' {name!r} must be a lower-case identifier")
        elif name in specs:
            report(None, "a second resource with this name")
        spec = _resource_spec(res, report)
        if spec is not None and label not in specs:
            specs[label] = spec
    for spec in specs.values():
        for fk in spec.foreign_keys:
            target = specs.get(fk.resource)
            if target is None and fk.resource in labels:
                continue  # described, but unusable: its own problems are reported
            if target is None:
                problems.append(DataProblem(DESCRIPTOR, None, ", ".join(fk.fields), (
                    f"'foreignKeys' refers to resource {fk.resource!r}, which is not described"),
                    resource=spec.name))
            elif not set(fk.reference) <= set(target.field_names):
                problems.append(DataProblem(DESCRIPTOR, None, ", ".join(fk.fields), (
                    f"'foreignKeys' refers to fields {list(fk.reference)} that resource "
                    f"{fk.resource!r} does not describe"), resource=spec.name))
    return specs, problems
