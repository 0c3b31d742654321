"""Numbers typed into the prose must not go stale: a number a reader sees in a chapter's text
that comes from the data is either computed (glued from code) or quoted from the paper.

Glued values re-render from the notebook's stored outputs, so `make notebooks` after a data
change updates them. A number typed by hand does not. This test strips the parts of each
Markdown cell that code fills in (glue roles), that cite or link, and that are code or maths,
then requires every remaining decimal number to be one the paper prints (a number in the
quote or printed value of data/paper_statements.csv or data/reported_statistics.csv) or to
be listed, with its reason, in tests/fixtures/typed_numbers.csv.

Two further rules catch the typed numbers that are not decimals:

* a whole number of 11 or more that is a measured value of the data (an age, a week after
  delivery, a vitamin D, ALP or PTH value in data/patients.csv or data/visits.csv), typed
  next to a unit or an analyte's name, is held to the same rule as a decimal: change
  patient 4's PTH in the data and a page that typed "PTH 47" fails;
* a typed count of patients ("seven patients", "2 of the 10 women") must be glued or listed:
  counts are what a changed row moves first.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = sorted((ROOT / "book").rglob("*.md"))
ALLOWED = ROOT / "tests" / "fixtures" / "typed_numbers.csv"
DECIMAL = re.compile(r"(?<![\w.])[-−]?\d+\.\d+(?![\w.])")
WHOLE = re.compile(r"(?<![\w.,−-])\d+(?![\w]|\.\d)")
COUNT_WORDS = "two|three|four|five|six|seven|eight|nine"
COUNT = re.compile(rf"\b(?:\d+|{COUNT_WORDS})\s+(?:of\s+(?:the\s+)?(?:10|ten)\s+|of\s+them\s+)?"
                   r"(?:patients|women|mothers)\b", re.I)
MEASURED = {"patients.csv": ("age_years", "postpartum_week_at_diagnosis"),
            "visits.csv": ("calcium_mg_dl", "magnesium_mg_dl", "vitamin_d_25oh", "alp_u_l",
                           "pth_pg_ml")}
"""The measurement columns whose whole-number values a page must not type by hand."""

STRIP = [
    re.compile(r"\{glue(?::\w+)?\}`[^`]*`"),           # glued values
    re.compile(r"\{(?:cite|numref|ref|doc|term|download)(?::\w+)?\}`[^`]*`"),  # roles
    re.compile(r"``[^`]*``|`[^`]*`"),                  # inline code
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S),      # maths
    re.compile(r"\]\([^)]*\)"),                        # link targets
    re.compile(r"<[^>]+>"),                            # HTML tags
    re.compile(r"^\s*:[\w-]+:.*$", re.M),              # directive options
    re.compile(r"^(`{3,}|:{3,}).*$", re.M),            # fences
]


def prose(text: str) -> str:
    """The part of a Markdown cell a reader sees as typed text."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    return text


def typed_decimals(text: str) -> list[str]:
    """Decimal numbers typed in the prose of ``text`` (normalised minus sign)."""
    return [m.replace("−", "-") for m in DECIMAL.findall(prose(text))]


UNIT = re.compile(r"ng/mL|pg/mL|U/L|mg/dL|nmol/L|years?\b|-year|weeks?\b|PTH|ALP|alkaline phosphatase"
                  r"|vitamin D|25\(OH\)D|calcium|magnesium|\baged?\b", re.I)
NEAR = 25
"""How many characters either side of a whole number a unit or analyte name may sit."""


def typed_wholes(text: str, measured: set[str]) -> list[str]:
    """Whole numbers typed in the prose of ``text`` next to a unit or an analyte's name
    (within :data:`NEAR` characters) that are values of ``measured``."""
    typed = prose(text)
    return [m.group(0) for m in WHOLE.finditer(typed) if m.group(0) in measured
            and UNIT.search(typed[max(0, m.start() - NEAR):m.end() + NEAR])]


def typed_counts(text: str) -> list[str]:
    """Counts of patients typed in the prose of ``text``, whitespace normalised ("one of the
    ten women" names a person, not a count, and is not one)."""
    return [" ".join(m.group(0).split()) for m in COUNT.finditer(prose(text))]


def _measured_wholes() -> set[str]:
    values: set[str] = set()
    for name, columns in MEASURED.items():
        with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                values |= {row[c] for c in columns if re.fullmatch(r"\d+", row[c]) and int(row[c]) >= 11}
    return values


def _paper_numbers() -> set[str]:
    numbers: set[str] = set()
    for name in ("paper_statements.csv", "reported_statistics.csv"):
        with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for key in ("quote", "value_as_printed"):
                    numbers |= {m.replace("−", "-") for m in DECIMAL.findall(row.get(key) or "")}
    return numbers


def _allowed() -> dict[tuple[str, str], str]:
    with ALLOWED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert row["reason"].strip(), f"{ALLOWED.name}: {row} has no reason"
    return {(row["page"], row["number"]): row["reason"] for row in rows}


def _pages() -> list[tuple[str, str]]:
    found = []
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        found.append((str(nb.relative_to(ROOT)), text))
    found += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in PAGES
              if "content" not in p.parts]
    return found


def test_the_stripping_keeps_typed_numbers_and_drops_computed_ones():
    text = ("Her vitamin D was 21.9 ng/mL, {glue:text}`vitd:.1f` at month 1, `x = 3.5`, "
            "$\\bar x = 2.4$, see {numref}`fig-1.2` and [the table](https://x/1.5).")
    assert typed_decimals(text) == ["21.9"]
    assert typed_decimals("The mean was −2.91 (SD 0.39).") == ["-2.91", "0.39"]


@pytest.mark.parametrize(("page", "text"), _pages(), ids=lambda v: v if v.endswith(("ipynb", "md")) else "")
def test_every_typed_decimal_is_glued_quoted_or_listed(page: str, text: str):
    paper, allowed = _paper_numbers(), _allowed()
    stale = sorted({n for n in typed_decimals(text) if n not in paper and (page, n) not in allowed})
    assert stale == [], (f"{page} types {stale}: glue them from code, quote them from the paper, "
                         f"or list them with a reason in {ALLOWED.relative_to(ROOT)}")


def test_whole_numbers_and_counts_are_caught():
    measured = {"47", "126"}
    text = ("Her PTH was 47 pg/mL and ALP 126 U/L at 12 weeks; {glue:text}`pth` later. "
            "Seven patients stopped; 2 of the 10 women had\nno fracture; patient 3 was one.")
    assert typed_wholes(text, measured) == ["47", "126"]
    assert typed_counts(text) == ["Seven patients", "2 of the 10 women"]
    assert typed_wholes("4.7 and 126.0 and L47", measured) == []
    assert typed_wholes("plan: 47 minutes, then 126 slides", measured) == []


def test_measured_values_come_from_the_data():
    measured = _measured_wholes()
    with (ROOT / "data" / "visits.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["vitamin_d_25oh"] in measured
    assert "10" not in measured and "6" not in measured


@pytest.mark.parametrize(("page", "text"), _pages(), ids=lambda v: v if v.endswith(("ipynb", "md")) else "")
def test_every_typed_measured_value_and_count_is_glued_quoted_or_listed(page: str, text: str):
    paper, allowed = _paper_numbers_and_wholes(), _allowed()
    typed = typed_wholes(text, _measured_wholes()) + typed_counts(text)
    stale = sorted({n for n in typed if n not in paper and (page, n) not in allowed})
    assert stale == [], (f"{page} types {stale}: glue them from code, quote them from the paper, "
                         f"or list them with a reason in {ALLOWED.relative_to(ROOT)}")


def _paper_numbers_and_wholes() -> set[str]:
    """Whole numbers and count phrases the paper prints in a quote (they may be typed)."""
    found: set[str] = set()
    for name in ("paper_statements.csv", "reported_statistics.csv"):
        with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                quote = row.get("quote") or ""
                found |= set(WHOLE.findall(quote)) | set(typed_counts(quote))
    return found


def test_the_allow_list_has_no_stale_rows():
    texts = dict(_pages())
    measured = _measured_wholes()

    def typed(page: str) -> list[str]:
        text = texts[page]
        return typed_decimals(text) + typed_wholes(text, measured) + typed_counts(text)

    unused = [key for key in _allowed() if key[0] not in texts or key[1] not in typed(key[0])]
    assert unused == []
