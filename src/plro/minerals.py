"""The paper's background on PLRO: the minerals pregnancy costs, how rare PLRO is, who is at risk.

The paper's Introduction and Discussion quote a handful of numbers from the
literature (incidence, the minerals a mother loses in pregnancy, the share of her
calcium reserve that goes to the baby, how common back pain is in pregnancy) and
two lists of risk factors. The numbers live in ``data/reported_statistics.csv``
(read through :func:`plro.paper.printed`), the lists in
``data/paper_statements.csv`` (through :func:`plro.paper.statement`); this module
only says which claim is which fact and reads them.

They are *claims the paper makes*, quoted from one paper, not measurements in the
ten patients and not the result of a systematic review.

Typical use::

    from plro.minerals import BACKGROUND_FACTS, quoted_fact, mineral_transfer
    quoted_fact("incidence").value          # per 100,000 women, as printed
    for name in BACKGROUND_FACTS:           # glue every quoted number by its name
        glue(name, quoted_fact(name).value, display=False)
"""

from __future__ import annotations

import re

import pandas as pd

from plro.paper import Printed, printed, references, statement

__all__ = [
    "BACKGROUND_FACTS",
    "MINERALS",
    "RISK_FACTOR_STATEMENTS",
    "RISK_FACTOR_TOPICS",
    "quoted_fact",
    "background_facts",
    "one_in_n_women",
    "mineral_transfer",
    "risk_factors",
    "risk_factor_table",
]

BACKGROUND_FACTS: dict[str, str] = {
    "incidence": "intro_incidence",
    "calcium_lost": "intro_calcium_loss",
    "phosphorus_lost": "intro_phosphorus_loss",
    "magnesium_lost": "intro_magnesium_loss",
    "calcium_reserve_share": "intro_calcium_transfer",
    "pregnancy_low_back_pain": "disc_lbp_prevalence",
    "osteoporosis_age_threshold": "disc_age_50",
}
"""Name of each background number the book quotes -> its claim id in reported_statistics.csv."""

MINERALS: dict[str, tuple[str, str]] = {
    "calcium_lost": ("Calcium", "Ca"),
    "phosphorus_lost": ("Phosphorus", "P"),
    "magnesium_lost": ("Magnesium", "Mg"),
}
"""Fact name -> (mineral, chemical symbol), in the order the paper names the minerals."""

RISK_FACTOR_STATEMENTS: dict[str, str] = {
    "introduction": "intro_risk_factors",
    "discussion": "disc_risk_factors",
}
"""Section -> the statement (paper_statements.csv) that lists the risk factors there."""

RISK_FACTOR_TOPICS: tuple[tuple[str, str], ...] = (
    ("Family history", "relatives"),
    ("Body mass index", "body mass index"),
    ("Nutrition", "nutrition"),
    ("Calcium intake", "calcium"),
    ("Smoking", "smoking"),
    ("Mechanical and metabolic stress", "stress"),
    ("Bone density before pregnancy", "prepregnancy"),
    ("Physical activity", "physical activity"),
)
"""This book's reading of which wordings name the same factor: (topic, a word each wording
of that factor contains). 'poor nutrition' and 'malnutrition' are one topic, for example."""


def _citation_keys() -> dict[int, str]:
    """Reference number -> bibliography key, for the whole printed list (read once per call)."""
    refs = references()
    return dict(zip(refs["refnumber"], refs["key"], strict=True))


def quoted_fact(name: str) -> Printed:
    """The printed number called ``name`` (a key of :data:`BACKGROUND_FACTS`).

    Raises ``KeyError`` listing the known names for any other name.
    """
    if name not in BACKGROUND_FACTS:
        raise KeyError(f"no background fact called {name!r}; known: {', '.join(BACKGROUND_FACTS)}")
    return printed(BACKGROUND_FACTS[name])


def background_facts() -> pd.DataFrame:
    """Every background number as a table, one row per fact, in :data:`BACKGROUND_FACTS` order.

    Columns: ``fact`` (what the number measures), ``as the paper words it`` (the quote), ``value``,
    ``unit``, ``section``, ``ref_numbers`` and ``citation_keys`` (the references the
    paper cites for it, comma-separated text ready to display).
    """
    keys = _citation_keys()
    rows = []
    for name in BACKGROUND_FACTS:
        fact = quoted_fact(name)
        rows.append({
            "fact": fact.quantity,
            "as the paper words it": fact.quote,
            "value": fact.value,
            "unit": fact.unit,
            "section": fact.section,
            "ref_numbers": ", ".join(str(n) for n in fact.cited_references),
            "citation_keys": ", ".join(keys[n] for n in fact.cited_references),
        })
    return pd.DataFrame(rows)


def one_in_n_women() -> int:
    """The quoted incidence restated as 'one in N women' (illustration arithmetic only)."""
    fact = quoted_fact("incidence")
    per = int(re.search(r"per ([\d,]+) women", fact.unit).group(1).replace(",", ""))
    return round(per / fact.value)


def mineral_transfer() -> pd.DataFrame:
    """Minerals the mother loses in pregnancy, as the paper quotes them.

    Columns: mineral, symbol, grams, ref_number, citation_key; one row per
    mineral of :data:`MINERALS`, in the order the paper names them.
    """
    keys = _citation_keys()
    rows = []
    for name, (mineral, symbol) in MINERALS.items():
        fact = quoted_fact(name)
        if fact.unit != "g" or len(fact.cited_references) != 1:
            raise ValueError(f"claim {fact.claim_id}: expected grams and one reference, got "
                             f"{fact.unit!r} and {fact.cited_references}")
        (ref,) = fact.cited_references
        rows.append({"mineral": mineral, "symbol": symbol, "grams": fact.value,
                     "ref_number": ref, "citation_key": keys[ref]})
    return pd.DataFrame(rows)


def risk_factors(section: str) -> list[str]:
    """The risk factors one section lists, in its order, read from its statement's quote.

    ``section`` is a key of :data:`RISK_FACTOR_STATEMENTS`. The quote is a list
    ('a, b, and c were reported as risk factors ...'); the words before '... reported
    as' are split at commas and a final 'and'.
    """
    quote = statement(RISK_FACTOR_STATEMENTS[section]).quote
    listed = re.split(r"\s+(?:were|are) reported as\b", quote)[0]
    return [re.sub(r"^and\s+", "", item.strip()) for item in listed.split(",")]


def _topic_of(factor: str) -> str:
    topics = [topic for topic, word in RISK_FACTOR_TOPICS if word in factor.lower()]
    if len(topics) != 1:
        raise ValueError(f"risk factor {factor!r} matches {len(topics)} topics of "
                         f"RISK_FACTOR_TOPICS (expected exactly one): {topics}")
    return topics[0]


def risk_factor_table() -> pd.DataFrame:
    """The paper's two risk-factor lists side by side, one row per topic.

    Columns: topic, introduction, discussion (the wording each section prints,
    ``None`` where that section does not name the factor) and in_both. Which
    wordings count as the same topic is this book's reading
    (:data:`RISK_FACTOR_TOPICS`), not the paper's; every printed factor must fall
    under exactly one topic, and no topic may take two factors of one list.
    """
    wording: dict[str, dict[str, str]] = {}
    for section in RISK_FACTOR_STATEMENTS:
        by_topic = wording[section] = {}
        for factor in risk_factors(section):
            topic = _topic_of(factor)
            if topic in by_topic:
                raise ValueError(f"{section}: {by_topic[topic]!r} and {factor!r} both fall under "
                                 f"topic {topic!r}")
            by_topic[topic] = factor
    table = pd.DataFrame(
        [(topic, *(wording[s].get(topic) for s in RISK_FACTOR_STATEMENTS))
         for topic, _ in RISK_FACTOR_TOPICS],
        columns=["topic", *RISK_FACTOR_STATEMENTS],
    )
    return table.assign(in_both=table["introduction"].notna() & table["discussion"].notna())
