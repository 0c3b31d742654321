"""Check the repository's transcription against the source paper's text.

For a maintainer who has the paper's text (Markdown or plain text), this checks that

* every quote in ``data/paper_statements.csv`` occurs in the paper,
* every quote in ``data/reported_statistics.csv`` occurs in the paper, and the number
  as printed (``value_as_printed``) occurs in its quote,
* every cell of ``data/patients.csv`` (Table I) and ``data/visits.csv`` (Table II), and
  every arrow of ``data/lab_flags.csv``, matches the paper's tables,

and prints one line per problem. It is not part of ``make test`` (the paper is not in
the repository); run it as ``make verify-source PAPER=path/to/paper.txt``.

Text is compared after a light normalisation applied to both sides: HTML tags and
``$`` dropped, ``\\pm`` read as ``±``, dashes unified, runs of white space collapsed and
spaces just inside parentheses removed.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

TABLE_I_COLUMNS = ["age_years", "risk_factors_as_printed", "symptoms", "postpartum_week_at_diagnosis",
                   "t_score_l1_l4", "t_score_l2_l4", "t_score_femoral_neck", "management_as_printed"]
TABLE_II_COLUMNS = ["vas", "calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l", "pth_pg_ml"]
TABLE_II_VISITS = {"baseline": "baseline", "1st month": "month_1", "3rd month": "month_3",
                   "6th month": "month_6"}
ARROWS = {"↑": "high", "↓": "low"}


def normalise(text: str) -> str:
    """The comparison form of a piece of text (applied to the paper and to each quote)."""
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("\\pm", "±").replace("$", "")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text)).strip()


def _rows(data_dir: Path, name: str) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_quotes(paper: str, data_dir: Path = DATA_DIR) -> tuple[int, list[str]]:
    """Quotes of paper_statements.csv and reported_statistics.csv that the paper does not contain."""
    text = normalise(paper)
    problems, checked = [], 0
    for name, key in [("paper_statements.csv", "statement_id"), ("reported_statistics.csv", "claim_id")]:
        if not (data_dir / name).is_file():
            problems.append(f"{name}: file missing")
            continue
        for line, row in enumerate(_rows(data_dir, name), start=2):
            checked += 1
            quote = normalise(row["quote"])
            if quote not in text:
                problems.append(f"{name} line {line} ({row[key]}): quote not in the paper: {row['quote']!r}")
            printed = row.get("value_as_printed")
            if printed and normalise(printed) not in quote:
                problems.append(f"{name} line {line} ({row[key]}): value_as_printed {printed!r} "
                                f"is not in its quote")
    return checked, problems


def _table_lines(paper: str, title: str) -> list[list[str]]:
    """Tab-separated rows of the paper's table whose caption starts with ``title``."""
    start = paper.index(title)
    rows = []
    for line in paper[start:].splitlines()[1:]:
        if line.startswith("**") and rows:
            break
        if "\t" in line:
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows[1:]  # drop the header row


def _same(printed: str, transcribed: str) -> bool:
    printed = normalise(printed)
    if printed == "N/A":
        return transcribed == ""
    try:
        return float(printed) == float(transcribed)
    except ValueError:
        return printed == normalise(transcribed)


def check_table_i(paper: str, data_dir: Path = DATA_DIR) -> tuple[int, list[str]]:
    """Cells of patients.csv that differ from Table I."""
    problems, checked = [], 0
    patients = {row["patient_id"]: row for row in _rows(data_dir, "patients.csv")}
    for cells in _table_lines(paper, "**Table I:**"):
        pid = cells[0].split()[0]
        row = patients.pop(pid, None)
        if row is None:
            problems.append(f"Table I patient {pid}: not in patients.csv")
            continue
        age, risk, symptoms, week, l14, l24, neck, management = cells[1:9]
        vas = re.search(r"VAS (\d+)", symptoms)
        printed = {
            "age_years": age, "risk_factors_as_printed": risk,
            "symptoms": re.sub(r"\s*\(?VAS \d+\)\s*$", "", symptoms),
            "postpartum_week_at_diagnosis": week.removeprefix("Postpartum").strip(),
            "t_score_l1_l4": l14, "t_score_l2_l4": l24, "t_score_femoral_neck": neck,
            "management_as_printed": management,
            "vas_table_i": vas.group(1) if vas else "",
        }
        for column, value in printed.items():
            checked += 1
            if not _same(value, row[column]):
                problems.append(f"patients.csv patient {pid}, {column}: {row[column]!r} "
                                f"but Table I prints {value!r}")
        twin = "Twin" in cells[0]
        checked += 1
        if (row["twin_pregnancy"] == "true") != twin:
            problems.append(f"patients.csv patient {pid}, twin_pregnancy: {row['twin_pregnancy']!r} "
                            f"but Table I {'marks' if twin else 'does not mark'} a twin pregnancy")
    problems += [f"patients.csv patient {pid}: not in Table I" for pid in patients]
    return checked, problems


def check_table_ii(paper: str, data_dir: Path = DATA_DIR) -> tuple[int, list[str]]:
    """Cells of visits.csv and arrows of lab_flags.csv that differ from Table II."""
    problems, checked = [], 0
    visits = {(row["patient_id"], row["visit"]): row for row in _rows(data_dir, "visits.csv")}
    flags = {(row["patient_id"], row["visit"], row["analyte"]): row["flag"]
             for row in _rows(data_dir, "lab_flags.csv")}
    printed_flags = {}
    pid = None
    for cells in _table_lines(paper, "**Table II:**"):
        pid = cells[0] or pid
        label = normalise(cells[1]).replace(" ", "").lower()
        visit = {key.replace(" ", ""): value for key, value in TABLE_II_VISITS.items()}.get(label)
        row = visits.pop((pid, visit), None)
        if row is None:
            problems.append(f"Table II patient {pid}, {cells[1]!r}: not in visits.csv")
            continue
        for column, value in zip(TABLE_II_COLUMNS, cells[2:8]):
            checked += 1
            arrow = value[-1:] if value[-1:] in ARROWS else ""
            if arrow:
                printed_flags[(pid, visit, column)] = ARROWS[arrow]
            if not _same(value.rstrip("↑↓"), row[column]):
                problems.append(f"visits.csv patient {pid} {visit}, {column}: {row[column]!r} "
                                f"but Table II prints {value!r}")
    problems += [f"visits.csv patient {p} {v}: not in Table II" for p, v in visits]
    for key in sorted(set(flags) | set(printed_flags)):
        checked += 1
        if flags.get(key) != printed_flags.get(key):
            problems.append(f"lab_flags.csv patient {key[0]} {key[1]}, {key[2]}: {flags.get(key)!r} "
                            f"but Table II prints {printed_flags.get(key)!r}")
    return checked, problems


def main(argv: list[str] | None = None) -> int:
    """Run every check against the paper's text; exit status 1 when anything differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paper", type=Path, help="the paper's text (Markdown or plain text)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="the data folder (default: data/)")
    args = parser.parse_args(argv)
    if not args.paper.is_file():
        print(f"verify-source: no file at {args.paper}", file=sys.stderr)
        return 2
    paper = args.paper.read_text(encoding="utf-8")
    total, problems = 0, []
    for name, check in [("quotes", check_quotes), ("Table I", check_table_i), ("Table II", check_table_ii)]:
        checked, found = check(paper, args.data)
        total += checked
        problems += found
        print(f"{name}: {checked} checked, {len(found)} problems")
    for problem in problems:
        print(f"  {problem}")
    print(f"verify-source: {total} checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
