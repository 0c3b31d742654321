"""Rules a Table Schema cannot express: integrity, completeness and agreement across tables.

* **Integrity.** Each file's exact bytes match the ``bytes`` and ``hash``
  (``sha256:<hex>``) recorded for it in ``datapackage.json``; a deliberate,
  reviewed edit is recorded with ``make data-hashes``.
* **Completeness.** Every resource the book needs is described, with the
  fields the rules below and the book's accessors rely on; ``visits.csv`` holds
  the complete patient x visit grid: every patient of ``patients.csv``, in that
  order, with exactly the visits of the schedule, in schedule order.
* **Agreement.** Each visit's month matches its label; Table I's VAS
  (``vas_table_i``) equals the baseline VAS of Table II; every lab flag marks a
  value that exists (not N/A); a claim marked ``derivable = yes`` names a
  recompute rule, and only such a claim does (whether the named rules exist is
  checked against the registry by :func:`recompute_rule_problems`); every
  statement id the JBI checklist names is in ``paper_statements.csv``.

The visit schedule is passed in (``schedule``: label -> month, in order);
its one home is :data:`plro.data.VISITS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from plro.data_errors import DataProblem
from plro.data_schema import DESCRIPTOR, ResourceSpec
from plro.data_values import Table

__all__ = ["NEEDED", "file_digest", "integrity_problems", "needed_problems", "schedule_problems",
           "grid_problems", "rule_problems", "recompute_rule_problems"]

NEEDED: dict[str, tuple[str, ...]] = {
    "patients": ("patient_id", "vas_table_i"),
    "visits": ("patient_id", "visit", "month", "vas"),
    "lab_flags": ("patient_id", "visit", "analyte"),
    "imaging_findings": ("patient_id",),
    "reported_statistics": ("claim_id", "derivable", "recompute"),
    "paper_statements": ("statement_id", "section", "quote", "cited_references"),
    "jbi_checklist": ("item", "question", "answer", "statement_ids"),
}
"""Every resource the book needs, with the fields the loader's rules and the book rely on."""


def file_digest(raw: bytes) -> str:
    """The Frictionless-style hash of a file's exact bytes: ``"sha256:<64 hex digits>"``."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def integrity_problems(spec: ResourceSpec, raw: bytes) -> list[DataProblem]:
    """A problem when ``raw`` (the file's exact bytes) does not match its recorded bytes and hash."""
    if spec.bytes is None or spec.hash is None:
        return [DataProblem(spec.path, None, None, (
            "no 'bytes' and 'hash' are recorded for this file in datapackage.json; "
            "after reviewing the file, record them with `make data-hashes`"))]
    found = file_digest(raw)
    if (len(raw), found) == (spec.bytes, spec.hash):
        return []
    return [DataProblem(spec.path, None, None, (
        f"the file's content does not match the sha256 hash recorded in datapackage.json "
        f"(recorded {spec.bytes} bytes, {spec.hash}; found {len(raw)} bytes, {found}): the file "
        f"changed since it was reviewed; if the edit is deliberate and reviewed, record it with "
        f"`make data-hashes`, otherwise restore it (git checkout -- data/{spec.path})"))]


def needed_problems(names: Iterable[str], specs: Mapping[str, ResourceSpec]) -> list[DataProblem]:
    """Resources of :data:`NEEDED` the descriptor lacks, and needed fields their schemas lack."""
    names = set(names)
    problems = []
    for resource, fields in NEEDED.items():
        if resource not in names:
            problems.append(DataProblem(DESCRIPTOR, None, None, (
                f"resource is missing from the descriptor; the book needs {', '.join(NEEDED)}"),
                resource=resource))
        elif resource in specs:
            problems += [DataProblem(DESCRIPTOR, None, field, (
                "field is missing from the schema; the loader's checks and the book rely on it"),
                resource=resource) for field in fields if field not in specs[resource].field_names]
    return problems


def schedule_problems(specs: Mapping[str, ResourceSpec], schedule: Mapping[str, int]) -> list[DataProblem]:
    """Every ``visit`` enum lists the schedule's labels, and ``visits.month`` its months, in order."""
    problems = []
    for spec in specs.values():
        for field in spec.fields:
            if field.name == "visit":
                expected = list(schedule)
            elif field.name == "month" and spec.name == "visits":
                expected = list(schedule.values())
            else:
                continue
            if field.constraints.get("enum") != expected:
                problems.append(DataProblem(DESCRIPTOR, None, field.name, (
                    f"enum {field.constraints.get('enum')} differs from the visit schedule "
                    f"{expected} (plro.data.VISITS)"), resource=spec.name))
    return problems


def grid_problems(patients: Table, visits: Table, schedule: Mapping[str, int]) -> list[DataProblem]:
    """``visits`` must be every patient of ``patients`` (in order) x every scheduled visit (in order).

    Names each missing visit (at the row where it belongs), each repeated one,
    and, when the set is complete, each row out of order.
    """
    file, labels = visits.spec.path, list(schedule)
    expected = [(p, v) for p in patients.columns["patient_id"] for v in labels]
    position = {key: i + 2 for i, key in enumerate(expected)}
    found = list(zip(visits.columns["patient_id"], visits.columns["visit"]))
    problems, seen = [], {}
    for line, key in zip(visits.lines, found):
        if key in seen:
            problems.append(DataProblem(file, line, "visit", (
                f"patient {key[0]} has a second '{key[1]}' visit (the first is at row {seen[key]}); "
                "each patient has each visit exactly once")))
        seen.setdefault(key, line)
    for pid in patients.columns["patient_id"]:
        absent = [v for v in labels if (pid, v) not in seen]
        if absent == labels:
            problems.append(DataProblem(file, position[(pid, labels[0])], "patient_id", (
                f"patient {pid} of {patients.spec.path} has no visits; every patient needs "
                f"{', '.join(labels)} (expected from this row)")))
            continue
        problems += [DataProblem(file, position[(pid, v)], "visit", (
            f"patient {pid} has no '{v}' visit; every patient needs {', '.join(labels)} "
            "(expected at this row)")) for v in absent]
    if problems or set(found) != set(expected):
        return problems
    for line, key, want in zip(visits.lines, found, expected):
        if key != want:
            field = "patient_id" if key[0] != want[0] else "visit"
            problems.append(DataProblem(file, line, field, (
                f"row out of order: expected patient {want[0]} '{want[1]}' here, found patient "
                f"{key[0]} '{key[1]}'; rows follow {patients.spec.path}'s patients, each with "
                f"{', '.join(labels)} in that order")))
    return problems


def _rows(table: Table) -> Iterable[tuple[int, dict]]:
    names = list(table.columns)
    for line, values in zip(table.lines, zip(*table.columns.values())):
        yield line, dict(zip(names, values))


def rule_problems(tables: Mapping[str, Table], schedule: Mapping[str, int]) -> list[DataProblem]:
    """Cross-table rules: visit months, Table I's VAS, flags on existing values, derivable claims,
    statements named by the checklist."""
    patients, visits, flags = tables["patients"], tables["visits"], tables["lab_flags"]
    problems = grid_problems(patients, visits, schedule)
    by_key = {(r["patient_id"], r["visit"]): (line, r) for line, r in _rows(visits)}
    for line, row in _rows(visits):
        if schedule.get(row["visit"]) != row["month"]:
            problems.append(DataProblem(visits.spec.path, line, "month", (
                f"month {row['month']} does not match visit '{row['visit']}' "
                f"(expected {schedule.get(row['visit'])})")))
    baseline = next(iter(schedule))
    for line, row in _rows(patients):
        at, visit = by_key.get((row["patient_id"], baseline), (None, {}))
        if at is not None and visit["vas"] != row["vas_table_i"]:
            problems.append(DataProblem(patients.spec.path, line, "vas_table_i", (
                f"vas_table_i is {row['vas_table_i']}, but the {baseline} VAS of patient "
                f"{row['patient_id']} in {visits.spec.path} (row {at}) is {visit['vas']}; "
                "Table I and Table II print the same number")))
    for line, row in _rows(flags):
        at, visit = by_key.get((row["patient_id"], row["visit"]), (None, {}))
        if at is not None and visit.get(row["analyte"]) is None:
            state = "empty (N/A)" if row["analyte"] in visit else "not a column"
            problems.append(DataProblem(flags.spec.path, line, "analyte", (
                f"flags {row['analyte']} of patient {row['patient_id']} at {row['visit']}, but that "
                f"value is {state} in {visits.spec.path} (row {at})")))
    stats = tables["reported_statistics"]
    for line, row in _rows(stats):
        if row["derivable"] == "yes" and row["recompute"] is None:
            problems.append(DataProblem(stats.spec.path, line, "recompute", (
                "derivable is 'yes' but no recompute rule is named; name the rule in "
                "plro.recompute that rebuilds the number, or set derivable to 'no'")))
        elif row["derivable"] != "yes" and row["recompute"] is not None:
            problems.append(DataProblem(stats.spec.path, line, "recompute", (
                f"names the recompute rule {row['recompute']!r}, but derivable is "
                f"{row['derivable']!r}; a rule is named only for a derivable claim")))
    statements, checklist = tables["paper_statements"], tables["jbi_checklist"]
    known = set(statements.columns["statement_id"])
    for line, row in _rows(checklist):
        for sid in (row["statement_ids"] or "").split(";"):
            if sid and sid not in known:
                problems.append(DataProblem(checklist.spec.path, line, "statement_ids", (
                    f"names statement {sid!r}, which is not in {statements.spec.path}")))
    return problems


def recompute_rule_problems(stats: Table, known: Iterable[str]) -> list[DataProblem]:
    """Rows of ``reported_statistics`` naming a recompute rule that is not in ``known``."""
    known = set(known)
    return [DataProblem(stats.spec.path, line, "recompute", (
        f"no recompute rule named {row['recompute']!r} exists in plro.recompute "
        f"({len(known)} rules are registered)"))
        for line, row in _rows(stats) if row["recompute"] is not None and row["recompute"] not in known]
