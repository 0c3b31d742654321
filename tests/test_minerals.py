"""Tests for plro.minerals (the paper's background facts) and plro.figures.minerals.

Expected numbers are parsed from the claims' own quotes in reported_statistics.csv, and
the risk-factor lists from the statements' quotes in paper_statements.csv, so a fact
mapped to the wrong claim, or a list split wrongly, fails here.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from plro import minerals  # noqa: E402
from plro.data import load_patients, patient_label  # noqa: E402
from plro.figures.minerals import (  # noqa: E402
    plot_diagnosis_timeline,
    plot_mineral_transfer,
    plot_reserve_share,
)
from plro.paper import Statement, citation_key, printed  # noqa: E402
from plro.theme import COLOURS  # noqa: E402

# A word each background fact's quote must contain: the mapping name -> claim is right.
KEYWORDS = {"incidence": "incidence", "calcium_lost": "calcium", "phosphorus_lost": "phosphorus",
            "magnesium_lost": "magnesium", "calcium_reserve_share": "calcium reserve",
            "pregnancy_low_back_pain": "low back pain", "osteoporosis_age_threshold": "older than"}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def grams_in_quote(name: str) -> float:
    """The grams the claim's own quote prints for one mineral ('30 g of calcium')."""
    quote = printed(minerals.BACKGROUND_FACTS[name]).quote
    return float(re.search(rf"([\d.]+) g of {KEYWORDS[name]}", quote).group(1))


# ------------------------------------------------------------------ background numbers
def test_every_fact_reads_the_claim_that_words_it():
    assert set(minerals.BACKGROUND_FACTS) == set(KEYWORDS)
    for name, word in KEYWORDS.items():
        fact = minerals.quoted_fact(name)
        assert word in fact.quote.lower(), name
        assert fact.as_printed in fact.quote


def test_every_fact_cites_a_reference_of_the_list():
    table = minerals.background_facts()
    assert list(table["fact"]) == [printed(c).quantity for c in minerals.BACKGROUND_FACTS.values()]
    for row in table.itertuples():
        numbers = [int(n) for n in row.ref_numbers.split(", ")]
        assert row.citation_keys == ", ".join(citation_key(n) for n in numbers)


def test_quoted_fact_rejects_unknown_name():
    with pytest.raises(KeyError, match="no background fact called 'nonsense'"):
        minerals.quoted_fact("nonsense")


def test_one_in_n_is_the_inverse_of_the_printed_incidence():
    quote = minerals.quoted_fact("incidence").quote
    rate, per = re.search(r"([\d.]+) in ([\d,]+) women", quote).groups()
    assert minerals.one_in_n_women() == round(int(per.replace(",", "")) / float(rate))


def test_mineral_transfer_matches_the_quotes():
    table = minerals.mineral_transfer()
    assert list(table.columns) == ["mineral", "symbol", "grams", "ref_number", "citation_key"]
    assert list(table["grams"]) == [grams_in_quote(n) for n in minerals.MINERALS]
    assert [m.lower() for m in table["mineral"]] == [KEYWORDS[n] for n in minerals.MINERALS]
    assert list(table["citation_key"]) == [citation_key(n) for n in table["ref_number"]]


# ------------------------------------------------------------------ risk factors
@pytest.mark.parametrize("section", list(minerals.RISK_FACTOR_STATEMENTS))
def test_risk_factors_rebuild_the_printed_list(section):
    from plro.paper import statement

    factors = minerals.risk_factors(section)
    quote = statement(minerals.RISK_FACTOR_STATEMENTS[section]).quote
    assert len(factors) > 3
    assert quote.startswith(", ".join(factors[:-1]) + ", and " + factors[-1] + " ")


def test_risk_factor_table_uses_every_printed_factor_once():
    table = minerals.risk_factor_table()
    assert list(table.columns) == ["topic", "introduction", "discussion", "in_both"]
    for section in minerals.RISK_FACTOR_STATEMENTS:
        assert sorted(table[section].dropna()) == sorted(minerals.risk_factors(section))
    assert (table["in_both"] == (table["introduction"].notna() & table["discussion"].notna())).all()
    assert table["in_both"].any() and not table["in_both"].all()


def test_a_factor_no_topic_covers_is_an_error(monkeypatch):
    said = Statement("x", "introduction", "smoking, and astrology were reported as risk factors", (), "")
    monkeypatch.setattr(minerals, "statement", lambda _sid: said)
    with pytest.raises(ValueError, match="'astrology' matches 0 topics"):
        minerals.risk_factor_table()


# ------------------------------------------------------------------ figures
def test_mineral_transfer_figure_shows_three_labelled_bars():
    fig = plot_mineral_transfer()
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    grams = [grams_in_quote(n) for n in minerals.MINERALS]
    assert [b.get_height() for b in bars] == grams
    assert "(g)" in ax.get_ylabel() and ax.get_title()
    assert [t.get_text() for t in ax.texts] == [f"{g:g} g" for g in grams]
    _, own = plt.subplots()
    assert plot_mineral_transfer(ax=own) is own.figure


def test_reserve_waffle_has_100_cells_with_the_printed_share_highlighted():
    quote = minerals.quoted_fact("calcium_reserve_share").quote
    share = int(re.search(r"(\d+)% of maternal calcium reserve", quote).group(1))
    fig = plot_reserve_share()
    ax = fig.axes[0]
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 100
    highlighted = [c for c in cells if c.get_gid() == "transferred"]
    assert len(highlighted) == share
    assert {to_hex(c.get_facecolor()) for c in highlighted} == {COLOURS["warning"].lower()}
    assert all(c.get_gid() == "remaining" for c in cells if c not in highlighted)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith(f"{share}%") and legend[1].startswith(f"{100 - share}%")
    assert "1 square = 1%" in ax.get_title(loc="left")
    _, own = plt.subplots()
    assert plot_reserve_share(20, ax=own) is own.figure


def test_reserve_waffle_rejects_impossible_share():
    with pytest.raises(ValueError, match="between 0 and 100"):
        plot_reserve_share(120)


def test_diagnosis_timeline_has_one_dot_per_patient():
    patients = load_patients()
    weeks = patients["postpartum_week_at_diagnosis"].astype(float)
    fig = plot_diagnosis_timeline(patients)
    preg, post = fig.axes
    dots = [c for c in post.collections if isinstance(c, PathCollection)]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == len(patients)
    assert sorted(dots[0].get_offsets()[:, 0]) == sorted(weeks)
    assert len([c for c in post.collections if isinstance(c, LineCollection)]) == 1
    assert [ln.get_xdata()[0] for ln in post.lines if ln.get_gid() == "delivery"] == [0]
    assert "(weeks)" in post.get_xlabel() and "not to scale" in preg.get_xlabel()
    assert sorted(t.get_text() for t in preg.get_yticklabels()) == sorted(
        patient_label(p) for p in patients["patient_id"])
    assert f"{weeks.min():g} to {weeks.max():g} weeks" in fig.get_suptitle()
    own = plt.figure(layout="constrained")
    assert plot_diagnosis_timeline(patients, fig=own) is own and len(own.axes) == 2


def test_diagnosis_timeline_refuses_missing_weeks():
    patients = pd.DataFrame({"patient_id": [1, 2], "postpartum_week_at_diagnosis": [3, None]})
    with pytest.raises(ValueError, match="missing"):
        plot_diagnosis_timeline(patients)
