"""Broken copies of the data package must raise one clear PLRODataError.

Each case copies the real data package to a temporary folder, breaks it in one
way, and checks that loading fails with a problem naming the file, the row
(the CSV line; header = line 1) or the descriptor resource, the field and the
problem. Cells are addressed by line and column name, never by their content,
so a correct data fix cannot break a case.

Most corruptions must be caught by the content checks alone, so after breaking
a file each case records the new hashes (as ``make data-hashes`` would); the
``HASH`` cases are the corruptions only the recorded hash can see, and
:func:`test_hash_only_corruptions_are_otherwise_valid` shows that they are.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from plro.data import DEFAULT_DATA_DIR, PLRODataError, load_all, load_table, validate_package
from plro.data_hashes import refresh_hashes

PACKAGE = "datapackage.json"


def _pristine(name: str) -> list[list[str]]:
    """The rows (header first) of a real data file; row index i is CSV line i + 1."""
    with open(DEFAULT_DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


PATIENTS, VISITS_CSV, FLAGS = _pristine("patients.csv"), _pristine("visits.csv"), _pristine("lab_flags.csv")
STATS, STATEMENTS = _pristine("reported_statistics.csv"), _pristine("paper_statements.csv")
LAST_VISIT_LINE = len(VISITS_CSV)
LAST_PATIENT = PATIENTS[-1][0]
FLAGGED = {(r[0], r[1]) for r in FLAGS[1:]}
UNFLAGGED_LINE = next(i + 1 for i in range(len(VISITS_CSV) // 2, len(VISITS_CSV))
                      if tuple(VISITS_CSV[i][:2]) not in FLAGGED)
FLAGGED_LINE = next(i + 1 for i, r in enumerate(VISITS_CSV) if tuple(r[:2]) in FLAGGED)
NA_CELL = next((r[0], r[1], VISITS_CSV[0][j]) for r in VISITS_CSV[1:]
               for j in range(4, len(r)) if r[j] == "")
DERIVABLE_LINE = next(i + 1 for i, r in enumerate(STATS) if r[STATS[0].index("derivable")] == "yes")
NOT_DERIVABLE_LINE = next(i + 1 for i, r in enumerate(STATS) if r[STATS[0].index("derivable")] == "no")


def _baseline_vas_plus_one(line: int) -> str:
    pid = PATIENTS[line - 1][0]
    vas = next(r[3] for r in VISITS_CSV if r[0] == pid and r[1] == "baseline")
    return str((int(vas) + 1) % 11)


# --- edits of a copied data folder -------------------------------------------------------------

Edit = Callable[[Path], None]


def rows(file: str, change: Callable[[list[list[str]]], list[list[str]]]) -> Edit:
    """Rewrite ``file`` from ``change(rows)`` (header first), one record per line."""
    def edit(folder: Path) -> None:
        with open(folder / file, encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(change(table))
        (folder / file).write_text(out.getvalue(), encoding="utf-8")
    return edit


def cell(file: str, line: int, field: str, value: str) -> Edit:
    """Set the cell of column ``field`` on CSV line ``line``."""
    def change(table: list[list[str]]) -> list[list[str]]:
        table[line - 1][table[0].index(field)] = value
        return table
    return rows(file, change)


def text(file: str, change: Callable[[str], str]) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / file
        path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))
    return edit


def raw(file: str, change: Callable[[bytes], bytes]) -> Edit:
    def edit(folder: Path) -> None:
        (folder / file).write_bytes(change((folder / file).read_bytes()))
    return edit


def descriptor(change: Callable[[dict], object]) -> Edit:
    """Change the parsed descriptor in place; resources are reachable by name via ``res(d, name)``."""
    def edit(folder: Path) -> None:
        d = json.loads((folder / PACKAGE).read_text(encoding="utf-8"))
        change(d)
        (folder / PACKAGE).write_text(json.dumps(d, indent=2), encoding="utf-8")
    return edit


def remove(file: str) -> Edit:
    return lambda folder: (folder / file).unlink()


def both(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for e in edits:
            e(folder)
    return edit


def res(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


VAS_I = "vas_table_i"


def schema(d: dict, name: str) -> dict:
    return res(d, name)["schema"]


def field(d: dict, resource: str, name: str) -> dict:
    return next(f for f in res(d, resource)["schema"]["fields"] if f["name"] == name)


def drop_column(name: str) -> Callable[[list[list[str]]], list[list[str]]]:
    return lambda t: [[c for c, h in zip(r, t[0]) if h != name] for r in t]


def swap_columns(a: str, b: str) -> Callable[[list[list[str]]], list[list[str]]]:
    def change(t: list[list[str]]) -> list[list[str]]:
        i, j = t[0].index(a), t[0].index(b)
        for r in t:
            r[i], r[j] = r[j], r[i]
        return t
    return change


def swap_lines(i: int, j: int) -> Callable[[list[list[str]]], list[list[str]]]:
    def change(t: list[list[str]]) -> list[list[str]]:
        t[i - 1], t[j - 1] = t[j - 1], t[i - 1]
        return t
    return change


# --- the cases -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    file: str
    row: int | None  # CSV line (header = 1); None = whole file, or a descriptor resource
    field: str | None  # None = the whole row, file or resource
    problem: str  # a phrase the problem must contain
    resource: str | None = None  # the descriptor resource named (datapackage.json problems)
    refresh: bool = True  # record new hashes after the edit, so only content checks can catch it


def desc(id: str, edit: Edit, resource: str | None, fld: str | None, problem: str) -> Case:
    return Case(id, edit, PACKAGE, None, fld, problem, resource=resource, refresh=False)


def bad_cell(id: str, file: str, line: int, fld: str, value: str, problem: str) -> Case:
    """Write ``value`` into one cell; the error must name that very cell."""
    return Case(id, cell(file, line, fld, value), file, line, fld, problem)


def hashed(id: str, edit: Edit, file: str) -> Case:
    return Case(id, edit, file, None, None, "does not match the sha256 hash", refresh=False)


V, P, F, IMG, S, Q, J = ("visits.csv", "patients.csv", "lab_flags.csv", "imaging_findings.csv",
                       "reported_statistics.csv", "paper_statements.csv", "jbi_checklist.csv")
PID = LAST_PATIENT

GRID = [
    Case("last-visit-row-cut-at-a-line-boundary", rows(V, lambda t: t[:-1]),
         V, LAST_VISIT_LINE, "visit", "has no 'month_6' visit"),
    Case("patient-removed-from-visits-and-flags",
         both(rows(V, lambda t: [r for r in t if r[0] != PID]),
              rows(F, lambda t: [r for r in t if r[0] != PID])),
         V, LAST_VISIT_LINE - 3, "patient_id", f"patient {PID} of patients.csv has no visits"),
    Case("one-visit-row-deleted", rows(V, lambda t: t[:UNFLAGGED_LINE - 1] + t[UNFLAGGED_LINE:]),
         V, UNFLAGGED_LINE, "visit", f"has no '{VISITS_CSV[UNFLAGGED_LINE - 1][1]}' visit"),
    Case("two-visits-of-one-patient-swapped", rows(V, swap_lines(3, 4)), V, 3, "visit", "row out of order"),
    Case("visits-of-two-patients-swapped", rows(V, swap_lines(2, 6)), V, 2, "patient_id", "row out of order"),
    Case("duplicate-visit-row", rows(V, lambda t: t[:UNFLAGGED_LINE] + t[UNFLAGGED_LINE - 1:]),
         V, UNFLAGGED_LINE + 1, "visit", "has a second"),
    Case("duplicate-visit-row-with-a-weaker-primary-key",
         both(descriptor(lambda d: schema(d, "visits").update(primaryKey=["patient_id", "visit", "vas"])),
              rows(V, lambda t: t[:2] + [t[1][:3] + ["0"] + t[1][4:]] + t[2:])),
         V, 3, "visit", "has a second 'baseline' visit"),
    Case("month-disagrees-with-visit", cell(V, 24, "month", "6" if VISITS_CSV[23][2] != "6" else "3"),
         V, 24, "month", "does not match visit"),
    Case("vas-table-i-differs-from-baseline-vas", cell(P, 4, "vas_table_i", _baseline_vas_plus_one(4)),
         P, 4, "vas_table_i", "baseline VAS of patient"),
    Case("derivable-claim-without-recompute-rule", cell(S, DERIVABLE_LINE, "recompute", ""),
         S, DERIVABLE_LINE, "recompute", "derivable is 'yes' but no recompute rule is named"),
    Case("recompute-rule-on-a-claim-not-derivable", cell(S, NOT_DERIVABLE_LINE, "recompute", "some_rule"),
         S, NOT_DERIVABLE_LINE, "recompute", "but derivable is 'no'"),
    Case("flag-on-a-missing-value", rows(F, lambda t: t + [list(NA_CELL) + ["low"]]),
         F, len(FLAGS) + 1, "analyte", "empty (N/A)"),
    bad_cell("checklist-names-an-unknown-statement", J, 3, "statement_ids", "no_such_statement",
             "which is not in paper_statements.csv"),
    Case("patient-removed-from-patients", rows(P, lambda t: t[:-1]),
         V, LAST_VISIT_LINE - 3, "patient_id", "is not found in patients.csv"),
    Case("flag-for-a-visit-row-that-is-gone", rows(V, lambda t: t[:FLAGGED_LINE - 1] + t[FLAGGED_LINE:]),
         F, next(i + 1 for i,
                 r in enumerate(FLAGS) if tuple(r[:2]) == tuple(VISITS_CSV[FLAGGED_LINE - 1][:2])),
         "patient_id, visit", "is not found in visits.csv"),
]

CELLS = [
    bad_cell("vas-of-11", V, 11, "vas", "11", "above the maximum 10"),
    bad_cell("negative-vas", V, 21, "vas", "-1", "below the minimum 0"),
    bad_cell("text-in-a-number", V, 6, "calcium_mg_dl", "high", "is not a number"),
    bad_cell("na-written-out", V, 16, "vitamin_d_25oh", "N/A", "is an empty cell"),
    bad_cell("decimal-comma", V, 2, "calcium_mg_dl", "8,9", "decimal comma"),
    bad_cell("integer-with-leading-zero", V, 5, "vas", "01", "leading zero"),
    bad_cell("number-with-leading-zero", V, 7, "calcium_mg_dl", "08.9", "leading zero"),
    bad_cell("integer-with-plus-sign", V, 8, "vas", "+5", "is not an integer"),
    bad_cell("integer-written-as-decimal", P, 3, "age_years", "29.0", "is not an integer"),
    bad_cell("number-with-exponent", V, 9, "alp_u_l", "1e2", "is not a number"),
    bad_cell("nan-as-number", V, 10, "pth_pg_ml", "NaN", "is not a number"),
    bad_cell("space-before-a-number", V, 12, "vas", " 5", "whitespace around the value"),
    bad_cell("space-after-a-number", V, 13, "calcium_mg_dl", "9.0 ", "whitespace around the value"),
    bad_cell("trailing-space-in-free-text", P, 2, "symptoms", PATIENTS[1][5] + " ", "whitespace around"),
    bad_cell("trailing-space-in-an-enum", V, 2, "visit", "baseline ", "whitespace around the value"),
    bad_cell("malformed-boolean", P, 6, "twin_pregnancy", "no", "is not a boolean"),
    bad_cell("capitalised-boolean", P, 7, "smoking", "True", "is not a boolean"),
    bad_cell("missing-required-value", P, 3, "age_years", "", "a value is required"),
    bad_cell("missing-primary-key-value", V, 14, "patient_id", "", "a value is required"),
    bad_cell("unknown-breastfeeding-status", P, 2, "breastfeeding", "stopped", "not one of the allowed"),
    bad_cell("unknown-visit-label", V, 36, "visit", "month_2", "not one of the allowed values"),
    bad_cell("implausible-t-score", P, 9, "t_score_l1_l4", "-37", "below the minimum -6"),
    bad_cell("unknown-flag-direction", F, 2, "flag", "up", "not one of the allowed values"),
    bad_cell("flag-on-an-unknown-analyte", F, 7, "analyte", "phosphate", "not one of the allowed values"),
    bad_cell("unknown-vertebral-level", IMG, 11, "site", "T13", "not one of the allowed values"),
    bad_cell("patient-list-with-commas", S, 5, "patient_ids", "5,6", "does not match the pattern"),
    bad_cell("recompute-rule-with-a-space", S, DERIVABLE_LINE, "recompute", "Age Mean", "does not match"),
    bad_cell("too-many-decimals", S, 3, "reported_decimals", "5", "above the maximum 4"),
    bad_cell("reported-value-in-words", S, 4, "reported_value", "ten", "is not a number"),
    bad_cell("quote-too-long", Q, 2, "quote", "word " * 80 + "end", "longer than maxLength 400"),
    bad_cell("statement-id-with-capitals", Q, 3, "statement_id", "Abs_Series", "does not match the pattern"),
    bad_cell("unknown-statement-section", Q, 2, "section", "results", "not one of the allowed values"),
    bad_cell("cited-references-with-space", Q, 2, "cited_references", "3; 6", "does not match the pattern"),
    bad_cell("empty-quote", Q, 4, "quote", "", "a value is required"),
    bad_cell("checklist-answer-not-allowed", J, 2, "answer", "maybe", "not one of the allowed values"),
    bad_cell("checklist-item-beyond-ten", J, 11, "item", "11", "above the maximum 10"),
    Case("empty-primary-key-value-not-marked-required",
         both(descriptor(lambda d: field(d, "imaging_findings", "site")["constraints"].pop("required")),
              cell(IMG, 5, "site", "")),
         IMG, 5, "site", "a value is required"),
    Case("unknown-patient-number", rows(V, lambda t: t + [["11", "baseline", "0", "5", "", "", "", "", ""]]),
         V, LAST_VISIT_LINE + 1, "patient_id", "above the maximum 10"),
]

KEYS = [
    Case("duplicate-patient", cell(P, 11, "patient_id", PATIENTS[9][0]), P, 11, "patient_id",
         "duplicate primary key"),
    Case("duplicate-patient-visit", rows(V, lambda t: t[:UNFLAGGED_LINE] + t[UNFLAGGED_LINE - 1:]),
         V, UNFLAGGED_LINE + 1, "patient_id, visit", "duplicate primary key"),
    Case("duplicate-claim-id", cell(S, 3, "claim_id", STATS[1][0]), S, 3, "claim_id",
         "duplicate primary key"),
    Case("duplicate-statement-id", cell(Q, 3, "statement_id", STATEMENTS[1][0]),
         Q, 3, "statement_id", "duplicate primary key"),
    Case("duplicate-imaging-finding", rows(IMG, lambda t: t + [t[1]]),
         IMG, len(_pristine(IMG)) + 1, "patient_id, site, side, finding", "duplicate primary key"),
    Case("duplicate-flag", rows(F, lambda t: t + [t[1][:3] + ["low" if t[1][3] == "high" else "high"]]),
         F, len(FLAGS) + 1, "patient_id, visit, analyte", "duplicate primary key"),
]

STRUCTURE = [
    Case("utf8-byte-order-mark", raw(P, lambda b: b"\xef\xbb\xbf" + b), P, 1, "patient_id",
         "byte-order mark"),
    Case("semicolon-delimiter", text(V, lambda t: t.replace(",", ";")), V, 1, None, "separated by ';'"),
    Case("tab-delimiter", text(F, lambda t: t.replace(",", "\t")), F, 1, None, "separated by a tab"),
    Case("duplicate-column-name", rows(V, lambda t: [r + [r[3]] for r in t]), V, 1, "vas",
         "duplicate column name"),
    Case("empty-trailing-column", rows(IMG, lambda t: [r + [""] for r in t]),
         IMG, 1, None, "empty column name at the end of the header"),
    Case("trailing-comma-on-one-row", rows(V, lambda t: t[:8] + [t[8] + [""]] + t[9:]),
         V, 9, None, "more than the header"),
    Case("header-with-trailing-space", cell(V, 1, "vas", "vas "), V, 1, "vas", "whitespace around it"),
    Case("header-with-leading-space", cell(V, 1, "visit", " visit"), V, 1, "visit", "whitespace around it"),
    Case("invalid-utf8", both(cell(P, 3, "symptoms", PATIENTS[2][5] + "@latin-1@"),
                              raw(P, lambda b: b.replace(b"@latin-1@", "é".encode("latin-1")))),
         P, 3, "symptoms", "not valid UTF-8"),
    Case("windows-line-endings", text(V, lambda t: t.replace("\n", "\r\n")), V, 1, None, "CRLF"),
    Case("blank-line-inside", text(V, lambda t: "\n".join(t.split("\n")[:10] + [""] + t.split("\n")[10:])),
         V, 11, None, "blank line"),
    Case("blank-line-at-the-end", text(V, lambda t: t + "\n"), V, LAST_VISIT_LINE + 1, None, "blank line"),
    Case("last-value-cut-short-without-line-break", text(V, lambda t: t[:-2]),
         V, LAST_VISIT_LINE, VISITS_CSV[0][-1], "does not end with a line break"),
    Case("unclosed-quote", text(F, lambda t: t + '1,"baseline,calcium_mg_dl,high\n'),
         F, len(FLAGS) + 1, None, "CSV syntax error"),
    Case("text-after-a-closing-quote", text(F, lambda t: t + '1,"baseline"x,calcium_mg_dl,high\n'),
         F, len(FLAGS) + 1, None, "CSV syntax error"),
    Case("line-break-inside-a-cell", cell(P, 2, "symptoms", "Back\npain"), P, 2, "symptoms",
         "line break inside"),
    Case("missing-column", rows(V, drop_column("vas")), V, 1, "vas", "column is missing from the header"),
    Case("unexpected-column", rows(P, lambda t: [r + (["bmi"] if r is t[0] else ["21"]) for r in t]),
         P, 1, "bmi", "unexpected column"),
    Case("columns-reordered", rows(V, swap_columns("month", "vas")), V, 1, None, "columns are out of order"),
    Case("flag-columns-reordered", rows(F, swap_columns("analyte", "flag")), F, 1, None, "out of order"),
    Case("short-row", rows(V, lambda t: t[:2] + [t[2][:5]] + t[3:]), V, 3, "magnesium_mg_dl", "missing cell"),
    Case("empty-file", text(V, lambda t: ""), V, None, None, "file is empty"),
    Case("header-only", text(F, lambda t: t.splitlines()[0] + "\n"), F, None, None, "no data rows"),
    Case("file-missing", remove(IMG), IMG, None, None, "file not found"),
    Case("blank-first-line", text(F, lambda t: "\n" + t), F, 1, None, "first line is blank"),
]


def _drop_hash(d: dict) -> None:
    del res(d, "visits")["hash"]


DESCRIPTOR_CASES = [
    Case("invalid-json",
         text(PACKAGE, lambda t: "{not json"), PACKAGE, 1, None, "not valid JSON", refresh=False),
    Case("invalid-json-line", text(PACKAGE, lambda t: t.replace('"resources": [', '"resources": [,', 1)),
         PACKAGE, next(i + 1 for i, line in enumerate((DEFAULT_DATA_DIR / PACKAGE).read_text().splitlines())
                       if '"resources": [' in line), None, "not valid JSON", refresh=False),
    desc("descriptor-missing", remove(PACKAGE), None, None, "file not found"),
    desc("resources-not-a-list", descriptor(lambda d: d.update(resources={})), None, None,
         "list of 'resources'"),
    desc("duplicate-json-key",
         text(PACKAGE, lambda t: t.replace('"name": "patients",', '"name": "patients", "name": "x",', 1)),
         None, None, "duplicate key 'name'"),
    desc("resource-without-schema", descriptor(lambda d: res(d, "visits").pop("schema")),
         "visits", None, "no 'schema'"),
    desc("resource-with-empty-fields", descriptor(lambda d: schema(d, "lab_flags").update(fields=[])),
         "lab_flags", None, "non-empty list of 'fields'"),
    desc("field-type-typo", descriptor(lambda d: field(d, "visits", "vas").update(type="integr")),
         "visits", "vas", "unknown type 'integr'"),
    desc("constraint-name-typo",
         descriptor(lambda d: field(d, "visits", "vas")["constraints"].update(maximun=10)),
         "visits", "vas", "unknown constraint 'maximun'"),
    desc("constraints-key-typo", descriptor(lambda d: field(d, "visits", "vas").update(
        constraint=field(d, "visits",
                         "vas").pop("constraints"))), "visits", "vas", "unknown property 'constraint'"),
    desc("lab-flags-resource-removed", descriptor(lambda d: d["resources"].remove(res(d, "lab_flags"))),
         "lab_flags", None, "missing from the descriptor"),
    desc("checklist-resource-removed", descriptor(lambda d: d["resources"].remove(res(d, "jbi_checklist"))),
         "jbi_checklist", None, "missing from the descriptor"),
    desc("paper-statements-resource-removed",
         descriptor(lambda d: d["resources"].remove(res(d, "paper_statements"))),
         "paper_statements", None, "missing from the descriptor"),
    desc("visits-primary-key-dropped-with-a-duplicate-row",
         both(descriptor(lambda d: schema(d, "visits").pop("primaryKey")),
              rows(V, lambda t: t[:UNFLAGGED_LINE] + t[UNFLAGGED_LINE - 1:])),
         "visits", None, "no 'primaryKey'"),
    desc("primary-key-names-unknown-field",
         descriptor(lambda d: schema(d, "patients").update(primaryKey=["patient"])),
         "patients", "patient", "'primaryKey' names a field"),
    desc("foreign-key-to-unknown-resource",
         descriptor(lambda d: schema(d, "visits")["foreignKeys"][0]["reference"].update(resource="patient")),
         "visits", "patient_id", "refers to resource 'patient'"),
    desc("visit-enum-differs-from-schedule",
         descriptor(lambda d: field(d, "lab_flags", "visit")["constraints"]["enum"].append("month_12")),
         "lab_flags", "visit", "differs from the visit schedule"),
    desc("month-enum-differs-from-schedule",
         descriptor(lambda d: field(d, "visits", "month")["constraints"].update(enum=[0, 1, 3, 12])),
         "visits", "month", "differs from the visit schedule"),
    Case("needed-field-removed",
         both(descriptor(lambda d: schema(d, "patients")["fields"].remove(field(d, "patients", VAS_I))),
              rows(P, drop_column("vas_table_i"))),
         PACKAGE, None, "vas_table_i", "field is missing from the schema",
         resource="patients", refresh=False),
    desc("malformed-hash", descriptor(lambda d: res(d, "visits").update(hash="md5:0123")),
         "visits", None, "'hash'"),
    Case("hash-not-recorded", descriptor(_drop_hash), V, None, None, "no 'bytes' and 'hash'", refresh=False),
    desc("path-outside-the-data-folder", descriptor(lambda d: res(d, "visits").update(path="../visits.csv")),
         "visits", None, "inside the data folder"),
    desc("duplicate-field-name", descriptor(lambda d: field(d, "visits", "month").update(name="visit")),
         "visits", "visit", "appears more than once"),
    desc("enum-of-the-wrong-type",
         descriptor(lambda d: field(d, "visits", "month")["constraints"].update(enum=["0", "1", "3", "6"])),
         "visits", "month", "list of integer values"),
    desc("unsupported-dialect", descriptor(lambda d: res(d, "visits").update(dialect={"delimiter": ";"})),
         "visits", None, "unknown property 'dialect'"),
    desc("minimum-above-maximum",
         descriptor(lambda d: field(d, "visits", "vas")["constraints"].update(minimum=11)),
         "visits", "vas", "'minimum' is larger than 'maximum'"),
    desc("bare-number-false", descriptor(lambda d: field(d, "visits", "alp_u_l").update(bareNumber=False)),
         "visits", "alp_u_l", "'bareNumber' may only be true"),
    desc("invalid-pattern",
         descriptor(lambda d: field(d, "paper_statements", "statement_id")["constraints"].update(
        pattern="[a-z")), "paper_statements", "statement_id", "not a valid regular expression"),
    desc("other-encoding", descriptor(lambda d: res(d, "patients").update(encoding="latin-1")),
         "patients", None, "the loader reads only 'utf-8'"),
    desc("pattern-on-a-number",
         descriptor(lambda d: field(d, "visits", "vas")["constraints"].update(pattern="[0-9]")),
         "visits", "vas", "does not apply to integer fields"),
]


def _cut_last_value_keep_line_break(t: str) -> str:
    return t[:-2] + "\n"


HASH = [
    hashed("last-value-cut-short-pth-47-to-4", text(V, _cut_last_value_keep_line_break), V),
    hashed("flags-last-row-cut-at-a-line-boundary", rows(F, lambda t: t[:-1]), F),
    hashed("imaging-row-removed", rows(IMG, lambda t: t[:2] + t[3:]), IMG),
    hashed("reported-decimals-changed", cell(S, 2, "reported_decimals", "1" if STATS[1][6] != "1" else "2"),
           S),
    hashed("age-changed-within-range", cell(P, 2, "age_years", str(int(PATIENTS[1][1]) % 40 + 16)), P),
    hashed("constraint-dropped-and-vas-11",
           both(descriptor(lambda d: field(d, "visits", "vas")["constraints"].pop("maximum")),
                cell(V, 11, "vas", "11")), V),
    hashed("statement-quote-changed", cell(Q, 2, "quote", STATEMENTS[1][2] + " x"), Q),
]

CASES = GRID + CELLS + KEYS + STRUCTURE + DESCRIPTOR_CASES + HASH


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")


def test_enough_cases_and_unique_ids():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_copy_raises_clear_error(case: Case, data_copy: Path):
    case.edit(data_copy)
    if case.refresh:
        refresh_hashes(data_copy)
    with pytest.raises(PLRODataError) as excinfo:
        load_all(data_copy)
    problems = excinfo.value.problems
    hits = [p for p in problems
            if (p.file, p.row, p.field, p.resource) == (case.file, case.row, case.field, case.resource)
            and case.problem in p.problem]
    message = str(excinfo.value)
    assert hits, (f"expected {case.file}, row {case.row}, resource {case.resource}, field {case.field!r}: "
                  f"'{case.problem}'; got:\n{message}")
    rendered = str(hits[0])
    assert f"  - {rendered}" in message.splitlines()
    assert rendered.startswith(case.file)
    assert (f"row {case.row}" in rendered) == (case.row is not None)
    assert (f"field '{case.field}'" in rendered) == (case.field is not None)
    if case.resource is not None:
        assert f"resource '{case.resource}'" in rendered


@pytest.mark.parametrize("case", HASH, ids=[c.id for c in HASH])
def test_hash_only_corruptions_are_otherwise_valid(case: Case, data_copy: Path):
    """Only the recorded hash can see these changes: once it is refreshed, the copy loads."""
    case.edit(data_copy)
    refresh_hashes(data_copy)
    validate_package(data_copy)


def test_hash_problem_says_how_to_refresh_deliberately(data_copy: Path):
    cell(V, 11, "vas", "11")(data_copy)  # a content problem and a stale hash: both are reported
    with pytest.raises(PLRODataError) as excinfo:
        load_all(data_copy)
    (content,) = [p for p in excinfo.value.problems if p.row == 11]
    (integrity,) = [p for p in excinfo.value.problems if p.row is None]
    assert (content.file, content.field) == ("visits.csv", "vas")
    assert integrity.file == "visits.csv" and "make data-hashes" in integrity.problem


def test_every_problem_is_reported_not_just_the_first(data_copy: Path):
    both(cell(V, 2, "vas", "12"), cell(V, 6, "vas", "13"), cell(P, 3, "smoking", "yes"))(data_copy)
    refresh_hashes(data_copy)
    with pytest.raises(PLRODataError) as excinfo:
        load_all(data_copy)
    found = {(p.file, p.row, p.field) for p in excinfo.value.problems}
    assert found == {("visits.csv", 2, "vas"), ("visits.csv", 6, "vas"), ("patients.csv", 3, "smoking")}


def _digest(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_loading_never_writes_to_the_data_folder(data_copy: Path):
    before = _digest(data_copy)
    load_all(data_copy)
    assert _digest(data_copy) == before
    cell(V, 2, "vas", "99")(data_copy)
    broken = _digest(data_copy)
    with pytest.raises(PLRODataError):
        load_all(data_copy)
    assert _digest(data_copy) == broken


def test_an_edit_after_a_load_is_seen(data_copy: Path):
    load_table("visits", data_copy)  # valid
    cell(V, 2, "vas", "99")(data_copy)
    refresh_hashes(data_copy)
    with pytest.raises(PLRODataError, match=r"visits\.csv, row 2, field 'vas'"):
        load_table("visits", data_copy)


def test_unknown_resource_name_is_a_data_error_naming_the_known_ones(data_copy: Path):
    with pytest.raises(PLRODataError, match=r"resource 'visit': no resource of this name \(known: patients"):
        load_table("visit", data_copy)


def _key_paths(node: object, path: tuple = ()) -> list[tuple]:
    """Every path of keys and list positions inside a parsed JSON value."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    return [p for key, child in children for p in [path + (key,), *_key_paths(child, path + (key,))]]


def test_no_deletion_from_a_resource_entry_crashes(data_copy: Path):
    """Removing any one key or list item of the visits entry either still loads or is a PLRODataError."""
    pristine = json.loads((data_copy / PACKAGE).read_text(encoding="utf-8"))
    index = next(i for i, r in enumerate(pristine["resources"]) if r["name"] == "visits")
    outcomes = set()
    for path in _key_paths(pristine["resources"][index], ("resources", index)):
        broken = json.loads(json.dumps(pristine))
        parent = broken
        for key in path[:-1]:
            parent = parent[key]
        parent.pop(path[-1])
        (data_copy / PACKAGE).write_text(json.dumps(broken), encoding="utf-8")
        try:
            load_all(data_copy)
            outcomes.add("loads")
        except PLRODataError as error:
            assert all(p.file for p in error.problems)
            outcomes.add("error")
    assert outcomes == {"loads", "error"}  # descriptions may go; structure may not
