"""A guarded schema: the descriptor's structure is pinned to a reviewed copy.

``tests/fixtures/reviewed_schema.json`` holds, for every resource, what the
loader enforces: its name and path, each field's name, type and constraints
(and ``trueValues``/``falseValues``/``bareNumber``), in order, the primary and
foreign keys and ``missingValues``. Descriptions, titles, sources, units and
the ``bytes``/``hash`` records are left out: they change without changing
what is accepted.

Dropping a constraint, a key or a resource, or changing a type, then fails
here, naming the resource, the field and what changed, even when the data
files were edited to match and their hashes recorded. After a reviewed change
of the schema, update the copy deliberately::

    .venv/bin/python tests/test_schema_guard.py --write
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from plro.data import DEFAULT_DATA_DIR

REVIEWED = Path(__file__).parent / "fixtures" / "reviewed_schema.json"
_FIELD_KEYS = ("name", "type", "bareNumber", "trueValues", "falseValues", "constraints")
_SCHEMA_KEYS = ("primaryKey", "foreignKeys", "missingValues")


def enforced(descriptor: dict) -> dict:
    """The part of a descriptor that decides what the loader accepts, keyed by resource name."""
    out = {}
    for res in descriptor["resources"]:
        schema = res.get("schema", {})
        out[res["name"]] = {
            "path": res.get("path"),
            "fields": [{k: f[k] for k in _FIELD_KEYS if k in f} for f in schema.get("fields", [])],
            **{k: schema[k] for k in _SCHEMA_KEYS if k in schema},
        }
    return out


def _changed(where: str, old: dict, new: dict, skip: str = "", prefix: str = "") -> list[str]:
    """'where: prefix+key: old -> new' for every key whose value differs (``skip`` excepted)."""
    return [f"{where}: {prefix}{key}: {old.get(key, '(absent)')!r} -> {new.get(key, '(absent)')!r}"
            for key in sorted((set(old) | set(new)) - {skip}) if old.get(key) != new.get(key)]


def differences(reviewed: dict, current: dict) -> list[str]:
    """Each difference as 'resource[.field]: what: reviewed -> current'."""
    found = []
    for name in sorted(set(reviewed) | set(current)):
        old, new = reviewed.get(name), current.get(name)
        if old is None or new is None:
            found.append(f"{name}: resource {'added' if old is None else 'removed'}")
            continue
        found += _changed(name, old, new, skip="fields")
        old_fields = {f["name"]: f for f in old["fields"]}
        new_fields = {f["name"]: f for f in new["fields"]}
        for fname in sorted(set(old_fields) | set(new_fields)):
            a, b = old_fields.get(fname), new_fields.get(fname)
            if a is None or b is None:
                found.append(f"{name}.{fname}: field {'added' if a is None else 'removed'}")
                continue
            found += _changed(f"{name}.{fname}", a, b, skip="constraints")
            found += _changed(f"{name}.{fname}", a.get("constraints", {}), b.get("constraints", {}),
                              prefix="constraints.")
        if set(old_fields) == set(new_fields) and list(old_fields) != list(new_fields):
            found.append(f"{name}: field order: {list(old_fields)} -> {list(new_fields)}")
    return found


def _current() -> dict:
    return json.loads((DEFAULT_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def test_descriptor_matches_the_reviewed_schema():
    reviewed = json.loads(REVIEWED.read_text(encoding="utf-8"))
    found = differences(reviewed, enforced(_current()))
    assert not found, (
        "datapackage.json no longer matches the reviewed schema:\n  " + "\n  ".join(found)
        + "\nIf this change is reviewed and intended, run:"
        " .venv/bin/python tests/test_schema_guard.py --write"
    )


def _res(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


def _field(d: dict, res: str, name: str) -> dict:
    return next(f for f in _res(d, res)["schema"]["fields"] if f["name"] == name)


CHANGES = {
    "vas-maximum-dropped": (lambda d: _field(d, "visits", "vas")["constraints"].pop("maximum"),
                            "visits.vas: constraints.maximum: 10 -> '(absent)'"),
    "type-changed": (lambda d: _field(d, "patients", "age_years").update(type="number"),
                     "patients.age_years: type: 'integer' -> 'number'"),
    "primary-key-dropped": (lambda d: _res(d, "visits")["schema"].pop("primaryKey"),
                            "visits: primaryKey: ['patient_id', 'visit'] -> '(absent)'"),
    "foreign-key-dropped": (lambda d: _res(d, "lab_flags")["schema"]["foreignKeys"].pop(),
                            "lab_flags: foreignKeys:"),
    "resource-removed": (lambda d: d["resources"].remove(_res(d, "lab_flags")),
                         "lab_flags: resource removed"),
    "field-added": (lambda d: _res(d, "patients")["schema"]["fields"].append({"name": "bmi"}),
                    "patients.bmi: field added"),
    "enum-value-added": (lambda d: _field(d, "lab_flags", "flag")["constraints"]["enum"].append("normal"),
                         "lab_flags.flag: constraints.enum: ['high', 'low'] -> ['high', 'low', 'normal']"),
    "fields-reordered": (lambda d: _res(d, "lab_flags")["schema"]["fields"].reverse(),
                         "lab_flags: field order"),
    "missing-values-widened": (lambda d: _res(d, "visits")["schema"].update(missingValues=["", "N/A"]),
                               "visits: missingValues: [''] -> ['', 'N/A']"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_guard_names_each_kind_of_change(change):
    edit, expected = CHANGES[change]
    reviewed = enforced(_current())
    changed = copy.deepcopy(_current())
    edit(changed)
    found = differences(reviewed, enforced(changed))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_documentation_changes_are_not_guarded():
    changed = copy.deepcopy(_current())
    _field(changed, "visits", "vas")["description"] = "reworded"
    _res(changed, "visits")["hash"] = "sha256:" + "0" * 64
    assert differences(enforced(_current()), enforced(changed)) == []


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    REVIEWED.parent.mkdir(exist_ok=True)
    REVIEWED.write_text(json.dumps(enforced(_current()), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"wrote {REVIEWED}; review the diff before committing it")
