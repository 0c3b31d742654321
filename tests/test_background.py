"""Tests for plro.background: the quoted background numbers and their figures.

Every expected value is read from the paper's text with a regular expression
(never copied from the module), so a typo in the module fails here. Reference
numbers are mapped to bibliography keys independently, from the paper's own
reference list (first author's surname + year).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from plro import background as bg  # noqa: E402
from plro.data import load_patients  # noqa: E402

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"


@pytest.fixture(scope="module")
def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M))


@pytest.fixture(scope="module")
def paper_references(paper_text) -> dict[int, tuple[str, str]]:
    """The paper's reference list: number -> (first author's surname, year), in print order."""
    refs = paper_text.split("REFERENCES", 1)[1]
    entries = re.findall(r"^- (.+)$", refs, flags=re.M)
    out = {}
    for number, entry in enumerate(entries, start=1):
        surname = entry.split()[0]
        year = re.findall(r"(\d{4})\s*$", entry)[0]
        out[number] = (surname, year)
    return out


def _search(pattern: str, text: str) -> re.Match:
    match = re.search(pattern, text, flags=re.S)
    assert match, f"pattern not found in the paper: {pattern}"
    return match


def _refs(group: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", group))


# ------------------------------------------------------------------ citation keys


def test_paper_lists_23_references(paper_references):
    assert len(paper_references) == 23


def test_reference_keys_follow_the_papers_reference_list(paper_references):
    assert set(bg.REFERENCE_KEYS) == set(paper_references)
    for number, (surname, year) in paper_references.items():
        key = bg.citation_key(number)
        name = re.sub(r"[^a-z]", "", surname.lower())  # O'Sullivan -> osullivan
        stem = re.match(r"[a-z]+", key).group(0)
        assert name.startswith(stem), f"ref {number}: key {key} does not match {surname}"
        assert year in key, f"ref {number}: key {key} does not carry the year {year}"


def test_every_reference_key_is_in_the_bibliography(bib_keys):
    missing = set(bg.REFERENCE_KEYS.values()) - bib_keys
    assert not missing, f"keys missing from {BIB}: {sorted(missing)}"


def test_every_quoted_fact_cites_keys_in_the_bibliography(bib_keys):
    for fact in bg.QUOTED_FACTS:
        assert fact.citation_keys, f"{fact.name} has no citation"
        assert set(fact.citation_keys) <= bib_keys, fact.name


def test_citation_key_rejects_unknown_number():
    with pytest.raises(KeyError, match="no reference number 24"):
        bg.citation_key(24)


def test_quoted_fact_rejects_unknown_name():
    with pytest.raises(KeyError, match="no quoted fact called 'nonsense'"):
        bg.quoted_fact("nonsense")


# ------------------------------------------------------------------ quoted values


# One number per fact: (fact name, the paper's sentence with the value and the printed
# reference numbers as groups 1 and 2, the bibliography keys of those references).
SINGLE_NUMBER_FACTS = [
    ("incidence",
     r"incidence of\s+([\d.]+) in 100,000 women\..*?even higher \(([\d,]+)\)",
     ("hellmeyer2004",)),
    ("calcium_reserve_share",
     r"(\d+)% of maternal calcium reserve transfers to the baby during pregnancy and"
     r" lactation \(([\d,]+)\)",
     ("eisman1998",)),
    ("pregnancy_low_back_pain",
     r"Pregnancy-related low back pain was reported in ([\d.]+)% of the women.*?"
     r"new pregnancies \(([\d,]+)\)",
     ("sencan2018",)),
    ("osteoporosis_age_threshold",
     r"older than (\d+) years, and PLRO is.*?management \(([\d,]+)\)",
     ("zhang2017",)),
]
MINERAL_FACTS = ["calcium_lost", "phosphorus_lost", "magnesium_lost"]


@pytest.mark.parametrize(("name", "pattern", "keys"), SINGLE_NUMBER_FACTS,
                         ids=[f[0] for f in SINGLE_NUMBER_FACTS])
def test_single_number_fact_matches_paper(paper_text, name, pattern, keys):
    m = _search(pattern, paper_text)
    fact = bg.quoted_fact(name)
    assert fact.value == float(m.group(1))
    assert fact.ref_numbers == _refs(m.group(2))
    assert fact.citation_keys == keys


def test_every_quoted_fact_is_checked_against_the_paper():
    checked = {f[0] for f in SINGLE_NUMBER_FACTS} | set(MINERAL_FACTS)
    assert {f.name for f in bg.QUOTED_FACTS} == checked


def test_one_in_n_is_the_inverse_of_the_incidence(paper_text):
    rate = float(_search(r"incidence of\s+([\d.]+) in 100,000", paper_text).group(1))
    assert bg.one_in_n_women() == pytest.approx(100_000 / rate)


def test_mineral_transfer_matches_paper(paper_text):
    m = _search(
        r"loses ([\d.]+) g of calcium, ([\d.]+) g of phosphorus, and ([\d.]+) g of magnesium"
        r" \(([\d,]+)\)",
        paper_text,
    )
    minerals = bg.mineral_transfer()
    assert list(minerals.columns) == ["mineral", "symbol", "grams", "ref_number", "citation_key"]
    assert list(minerals["mineral"]) == ["Calcium", "Phosphorus", "Magnesium"]
    assert list(minerals["grams"]) == [float(m.group(i)) for i in (1, 2, 3)]
    assert set(minerals["ref_number"]) == set(_refs(m.group(4)))
    assert set(minerals["citation_key"]) == {"kovacs2016"}
    assert [bg.quoted_fact(n).value for n in MINERAL_FACTS] == [float(m.group(i)) for i in (1, 2, 3)]


def test_hypercalciuria_statement_is_reference_13(paper_text):
    # Not a number, but the chapter cites it: check the reference the paper prints.
    m = _search(r"physiologic hypercalciuria \(([\d,]+)\)", paper_text)
    assert [bg.citation_key(n) for n in _refs(m.group(1))] == ["obrien2003"]


def test_quoted_facts_table_has_one_row_per_fact():
    table = bg.quoted_facts()
    assert len(table) == len(bg.QUOTED_FACTS) == 7
    assert list(table.columns) == [
        "fact", "value", "unit", "section", "ref_numbers", "citation_keys"
    ]
    assert table["citation_keys"].str.len().gt(0).all()


# ------------------------------------------------------------------ risk factors


def _split_list(text: str) -> list[str]:
    items = [re.sub(r"^and\s+", "", item.strip()) for item in text.split(",")]
    return [re.sub(r"\s+", " ", item) for item in items]


def test_introduction_risk_factors_match_paper(paper_text):
    m = _search(r"However, ([^.]+?) were reported as risk factors for PLRO \(([\d,]+)\)",
                paper_text)
    assert list(bg.RISK_FACTORS_INTRODUCTION) == _split_list(m.group(1))
    assert bg.RISK_FACTORS_INTRODUCTION_REFS == _refs(m.group(2))


def test_discussion_risk_factors_match_paper(paper_text):
    m = _search(r"\(9,17\)\. ([^.]+?) are reported as the risk factors for PLRO \(([\d,]+)\)",
                paper_text)
    assert list(bg.RISK_FACTORS_DISCUSSION) == _split_list(m.group(1))
    assert bg.RISK_FACTORS_DISCUSSION_REFS == _refs(m.group(2))


def test_risk_factor_table_uses_every_printed_factor_once():
    table = bg.risk_factor_table()
    assert list(table.columns) == ["topic", "introduction", "discussion", "in_both"]
    assert sorted(table["introduction"].dropna()) == sorted(bg.RISK_FACTORS_INTRODUCTION)
    assert sorted(table["discussion"].dropna()) == sorted(bg.RISK_FACTORS_DISCUSSION)


def test_risk_factor_lists_differ():
    table = bg.risk_factor_table()
    only_intro = table[table["discussion"].isna()]["introduction"].tolist()
    only_disc = table[table["introduction"].isna()]["discussion"].tolist()
    assert "low prepregnancy bone mineral density" in only_intro
    assert "mechanical and metabolism stress" in only_intro
    assert only_disc == ["low physical activity"]
    assert table["in_both"].sum() == 5


# ------------------------------------------------------------------ figures


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_mineral_transfer_figure_shows_three_labelled_bars(paper_text):
    fig = bg.plot_mineral_transfer()
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 3
    m = _search(r"loses ([\d.]+) g of calcium, ([\d.]+) g of phosphorus, and ([\d.]+) g", paper_text)
    assert [b.get_height() for b in bars] == [float(m.group(i)) for i in (1, 2, 3)]
    assert "(g)" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.texts]
    assert labels == [f"{m.group(i)} g" for i in (1, 2, 3)]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Calcium (Ca)", "Phosphorus (P)", "Magnesium (Mg)"
    ]
    assert ax.get_title()


def test_reserve_waffle_has_100_cells_with_7_highlighted(paper_text):
    share = int(_search(r"(\d+)% of maternal calcium reserve", paper_text).group(1))
    fig = bg.plot_reserve_share()
    ax = fig.axes[0]
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 100
    highlighted = [c for c in cells if c.get_gid() == "transferred"]
    assert len(highlighted) == share
    assert {to_hex(c.get_facecolor()) for c in highlighted} == {"#d55e00"}
    assert all(c.get_gid() == "remaining" for c in cells if c not in highlighted)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith(f"{share}%") and legend[1].startswith(f"{100 - share}%")
    assert "1 square = 1%" in ax.get_title(loc="left")


def test_reserve_waffle_rejects_impossible_share():
    with pytest.raises(ValueError, match="between 0 and 100"):
        bg.plot_reserve_share(120)


def test_diagnosis_timeline_has_one_dot_per_patient():
    patients = load_patients()
    fig = bg.plot_diagnosis_timeline(patients)
    preg, post = fig.axes
    dots = [c for c in post.collections if isinstance(c, PathCollection)]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == len(patients) == 10
    assert sorted(dots[0].get_offsets()[:, 0]) == sorted(
        patients["postpartum_week_at_diagnosis"].astype(float)
    )
    assert len([c for c in post.collections if isinstance(c, LineCollection)]) == 1
    assert [ln.get_xdata()[0] for ln in post.lines if ln.get_gid() == "delivery"] == [0]
    assert "(weeks)" in post.get_xlabel()
    assert "not to scale" in preg.get_xlabel()
    assert sorted(t.get_text() for t in preg.get_yticklabels()) == sorted(
        f"P{i}" for i in range(1, 11)
    )
    assert "2 to 24 weeks" in fig._suptitle.get_text()


def test_diagnosis_timeline_refuses_missing_weeks():
    patients = pd.DataFrame({"patient_id": [1, 2], "postpartum_week_at_diagnosis": [3, None]})
    with pytest.raises(ValueError, match="missing"):
        bg.plot_diagnosis_timeline(patients)
