"""Numbers typed into the prose must not go stale: a decimal a reader sees in a chapter's text
is either computed (glued from code) or quoted from the paper.

Glued values re-render from the notebook's stored outputs, so `make notebooks` after a data
change updates them. A number typed by hand does not. This test strips the parts of each
Markdown cell that code fills in (glue roles), that cite or link, and that are code or maths,
then requires every remaining decimal number to be one the paper prints (a number in the
quote or printed value of data/paper_statements.csv or data/reported_statistics.csv) or to
be listed, with its reason, in tests/fixtures/typed_numbers.csv.
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


def test_the_allow_list_has_no_stale_rows():
    texts = dict(_pages())
    unused = [key for key in _allowed() if key[0] not in texts or key[1] not in typed_decimals(texts[key[0]])]
    assert unused == []
