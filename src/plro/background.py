"""Background facts about PLRO, as the case-series paper quotes them, and their figures.

The paper's Introduction and Discussion quote a handful of numbers from the
literature (incidence, the minerals a mother loses in pregnancy, the share of
her calcium reserve that goes to the baby, how common back pain is in
pregnancy). This module is the single place those numbers live in the book:
each value is stored with the reference number the paper prints next to it
and the matching key in ``book/references.bib``. The notebooks glue these
values into their prose, so a number is never typed twice.

They are *claims the paper makes*, quoted from one paper's Introduction and
Discussion, not measurements from the ten patients and not the result of a
systematic review.

Typical use in a notebook::

    from plro.background import QUOTED_FACTS, quoted_fact, plot_mineral_transfer
    quoted_fact("incidence").value        # 0.4 (per 100,000 women)
    for fact in QUOTED_FACTS:             # glue every quoted number by its name
        glue(fact.name, fact.value, display=False)
    plot_mineral_transfer()
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from plro.theme import COLOURS, FIGSIZE, patient_label

__all__ = [
    "REFERENCE_KEYS",
    "QuotedFact",
    "QUOTED_FACTS",
    "RISK_FACTORS_INTRODUCTION",
    "RISK_FACTORS_DISCUSSION",
    "citation_key",
    "quoted_fact",
    "quoted_facts",
    "one_in_n_women",
    "mineral_transfer",
    "risk_factor_table",
    "plot_mineral_transfer",
    "plot_reserve_share",
    "plot_diagnosis_timeline",
]

REFERENCE_KEYS: dict[int, str] = {
    1: "bonacker2014",
    2: "dunne1993a",
    3: "dunne1993b",
    4: "eisman1998",
    5: "hellmeyer2004",
    6: "kovacs2015",
    7: "kovacs2016",
    8: "lampropoulou2012",
    9: "laroche2017",
    10: "lee2013",
    11: "nordin1955",
    12: "osullivan2006",
    13: "obrien2003",
    14: "polat2015",
    15: "sencan2018",
    16: "smith1995",
    17: "smith1998",
    18: "stathopoulos2011",
    19: "tanriover2009",
    20: "tanriover2015",
    21: "terzi2014",
    22: "zarattini2014",
    23: "zhang2017",
}
"""The paper's reference numbers (as printed, 1-23) -> keys in ``book/references.bib``.

References 2 and 3 are the same article printed twice; both keys are kept so the
paper's numbering still holds.
"""


def citation_key(ref_number: int) -> str:
    """The bibliography key for the paper's reference number ``ref_number`` (1-23).

    Raises ``KeyError`` naming the number when the paper has no such reference.
    """
    try:
        return REFERENCE_KEYS[int(ref_number)]
    except KeyError:
        raise KeyError(f"the paper has no reference number {ref_number} (it lists 1-23)") from None


@dataclass(frozen=True)
class QuotedFact:
    """One number the paper quotes from the literature, with where it comes from.

    ``statement`` is a short label (under 50 characters, so tables show it whole);
    ``ref_numbers`` are the reference numbers printed after the statement;
    ``section`` is the part of the paper that makes the statement.
    """

    name: str
    value: float
    unit: str
    section: str
    ref_numbers: tuple[int, ...]
    statement: str

    @property
    def citation_keys(self) -> tuple[str, ...]:
        """The bibliography keys of :attr:`ref_numbers`, in the same order."""
        return tuple(citation_key(n) for n in self.ref_numbers)


_QUOTED_FACT_ROWS = [
    # The incidence sentence itself carries no reference; the next one (that more women go
    # undiagnosed) cites ref 5, which this book reads as covering both sentences.
    #
    # name                         value  unit                 section         refs
    #  statement (a short label for tables)
    ("incidence",                   0.4, "per 100,000 women", "Introduction", (5,),
     "PLRO incidence (more said to go undiagnosed)"),
    ("calcium_lost",               30.0, "g",                 "Introduction", (7,),
     "Calcium lost by the mother in pregnancy"),
    ("phosphorus_lost",            20.0, "g",                 "Introduction", (7,),
     "Phosphorus lost by the mother in pregnancy"),
    ("magnesium_lost",              0.8, "g",                 "Introduction", (7,),
     "Magnesium lost by the mother in pregnancy"),
    ("calcium_reserve_share",       7.0, "%",                 "Introduction", (4,),
     "Calcium reserve to baby (pregnancy + lactation)"),
    ("pregnancy_low_back_pain",    53.9, "% of women",        "Discussion",   (15,),
     "Women with pregnancy-related low back pain"),
    ("osteoporosis_age_threshold", 50.0, "years",             "Discussion",   (23,),
     "Age above which osteoporosis is placed"),
]

QUOTED_FACTS: tuple[QuotedFact, ...] = tuple(QuotedFact(*row) for row in _QUOTED_FACT_ROWS)
"""Every number the book quotes from the paper's background, with its source."""

_MINERALS = {  # fact name -> (mineral, chemical symbol)
    "calcium_lost": ("Calcium", "Ca"),
    "phosphorus_lost": ("Phosphorus", "P"),
    "magnesium_lost": ("Magnesium", "Mg"),
}

RISK_FACTORS_INTRODUCTION: tuple[str, ...] = (
    "low body mass index",
    "poor nutrition",
    "calcium insufficiency",
    "smoking",
    "mechanical and metabolism stress",
    "low prepregnancy bone mineral density",
    "history of PLRO in the first-degree relatives",
)
"""Risk factors as the Introduction prints them, in its order (refs 3, 6, 12)."""

RISK_FACTORS_INTRODUCTION_REFS: tuple[int, ...] = (3, 6, 12)

RISK_FACTORS_DISCUSSION: tuple[str, ...] = (
    "History of PLRO in first-degree relatives",
    "low body mass index",
    "malnutrition",
    "inadequate calcium intake",
    "smoking",
    "low physical activity",
)
"""Risk factors as the Discussion prints them, in its order (refs 2, 12, 23)."""

RISK_FACTORS_DISCUSSION_REFS: tuple[int, ...] = (2, 12, 23)

# This book's reading of which wordings mean the same thing: (topic, Introduction, Discussion).
_RISK_FACTOR_PAIRS: tuple[tuple[str, str | None, str | None], ...] = (
    ("Family history", RISK_FACTORS_INTRODUCTION[6], RISK_FACTORS_DISCUSSION[0]),
    ("Body mass index", RISK_FACTORS_INTRODUCTION[0], RISK_FACTORS_DISCUSSION[1]),
    ("Nutrition", RISK_FACTORS_INTRODUCTION[1], RISK_FACTORS_DISCUSSION[2]),
    ("Calcium intake", RISK_FACTORS_INTRODUCTION[2], RISK_FACTORS_DISCUSSION[3]),
    ("Smoking", RISK_FACTORS_INTRODUCTION[3], RISK_FACTORS_DISCUSSION[4]),
    ("Mechanical and metabolic stress", RISK_FACTORS_INTRODUCTION[4], None),
    ("Bone density before pregnancy", RISK_FACTORS_INTRODUCTION[5], None),
    ("Physical activity", None, RISK_FACTORS_DISCUSSION[5]),
)


def quoted_fact(name: str) -> QuotedFact:
    """The :class:`QuotedFact` called ``name``; ``KeyError`` listing the known names otherwise."""
    for fact in QUOTED_FACTS:
        if fact.name == name:
            return fact
    known = ", ".join(f.name for f in QUOTED_FACTS)
    raise KeyError(f"no quoted fact called {name!r}; known facts: {known}")


def quoted_facts() -> pd.DataFrame:
    """All quoted facts as a table: fact, value, unit, section, ref_numbers, citation_keys.

    ``ref_numbers`` and ``citation_keys`` are comma-separated text, ready to display.
    """
    return pd.DataFrame(
        {
            "fact": f.statement,
            "value": f.value,
            "unit": f.unit,
            "section": f.section,
            "ref_numbers": ", ".join(str(n) for n in f.ref_numbers),
            "citation_keys": ", ".join(f.citation_keys),
        }
        for f in QUOTED_FACTS
    )


def one_in_n_women() -> int:
    """The quoted incidence restated as 'one in N women' (illustration arithmetic only)."""
    return round(100_000 / quoted_fact("incidence").value)


def mineral_transfer() -> pd.DataFrame:
    """Minerals the mother loses in pregnancy, as the paper quotes them (ref 7).

    Columns: mineral, symbol, grams, ref_number, citation_key; one row per
    mineral in the order the paper names them (calcium, phosphorus, magnesium).
    """
    rows = []
    for name, (mineral, symbol) in _MINERALS.items():
        fact = quoted_fact(name)
        rows.append(
            {
                "mineral": mineral,
                "symbol": symbol,
                "grams": fact.value,
                "ref_number": fact.ref_numbers[0],
                "citation_key": fact.citation_keys[0],
            }
        )
    return pd.DataFrame(rows)


def risk_factor_table() -> pd.DataFrame:
    """The paper's two risk-factor lists side by side, one row per topic.

    Columns: topic, introduction, discussion (the wording each section prints,
    ``None`` where that section does not name the factor) and in_both. Which
    wordings count as the same topic (for example 'poor nutrition' and
    'malnutrition') is this book's reading, not the paper's.
    """
    frame = pd.DataFrame(_RISK_FACTOR_PAIRS, columns=["topic", "introduction", "discussion"])
    return frame.assign(in_both=frame["introduction"].notna() & frame["discussion"].notna())


# --------------------------------------------------------------------------- figures


def plot_mineral_transfer(minerals: pd.DataFrame | None = None) -> Figure:
    """Bar chart of the grams of calcium, phosphorus and magnesium lost in pregnancy.

    One bar per mineral, each labelled with its value in grams. ``minerals``
    defaults to :func:`mineral_transfer`. Returns the Figure.
    """
    minerals = mineral_transfer() if minerals is None else minerals
    fig, ax = plt.subplots(figsize=FIGSIZE)
    labels = [f"{m} ({s})" for m, s in zip(minerals["mineral"], minerals["symbol"], strict=True)]
    colours = [COLOURS["primary"], COLOURS["secondary"], COLOURS["accent"]][: len(minerals)]
    bars = ax.bar(labels, minerals["grams"], color=colours, width=0.6)
    ax.bar_label(bars, labels=[f"{g:g} g" for g in minerals["grams"]], padding=3, fontsize=11)
    ax.set_ylabel("Mineral lost by the mother (g)")
    ax.set_xlabel("Mineral")
    ax.set_ylim(0, float(minerals["grams"].max()) * 1.15)
    ax.set_title("Minerals lost by the mother in pregnancy (quoted)")
    return fig


def plot_reserve_share(percent: float | None = None) -> Figure:
    """A 10 x 10 waffle: each square is 1% of the maternal calcium reserve.

    The first ``round(percent)`` squares are highlighted (the share transferred to
    the baby during pregnancy and lactation); ``percent`` defaults to
    the quoted ``calcium_reserve_share``. The squares are ``Rectangle`` patches
    with ``gid`` ``'transferred'`` or ``'remaining'``. Returns the Figure.
    """
    percent = quoted_fact("calcium_reserve_share").value if percent is None else percent
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    n_on = round(percent)
    fig = plt.figure(figsize=FIGSIZE, layout="none")
    ax = fig.add_axes((0.03, 0.03, 0.5, 0.86))
    for i in range(100):
        row, col = divmod(i, 10)  # fill from the bottom-left, row by row
        on = i < n_on
        ax.add_patch(
            Rectangle(
                (col, row), 0.9, 0.9,
                facecolor=COLOURS["warning"] if on else COLOURS["reference_band"],
                alpha=1.0 if on else 0.35,
                edgecolor="none",
                gid="transferred" if on else "remaining",
            )
        )
    ax.set_xlim(-0.1, 10)
    ax.set_ylim(-0.1, 10)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(
        handles=[
            Patch(color=COLOURS["warning"], label=f"{percent:g}% transferred to the baby\n"
                  "(pregnancy and lactation)"),
            Patch(color=COLOURS["reference_band"], alpha=0.35,
                  label=f"{100 - percent:g}% stays in the mother"),
        ],
        loc="center left", bbox_to_anchor=(1.04, 0.5), fontsize=11,
    )
    ax.set_title("Maternal calcium reserve (1 square = 1%)", loc="left")
    return fig


def plot_diagnosis_timeline(patients: pd.DataFrame) -> Figure:
    """When each patient of the series was diagnosed, on a pregnancy-postpartum timeline.

    ``patients`` needs ``patient_id`` and ``postpartum_week_at_diagnosis``. Two panels
    share one row per patient: on the left, pregnancy as a schematic of three
    trimesters (not to scale) with the third, where the paper says PLRO is usually
    seen, shaded; on the right, weeks after delivery, with a line from delivery
    (x = 0, ``gid='delivery'``) to a dot at the week of diagnosis (one scatter
    collection, one point per patient). Returns the Figure; ``fig.axes[1]`` is the
    postpartum panel.
    """
    data = patients[["patient_id", "postpartum_week_at_diagnosis"]]
    if data["postpartum_week_at_diagnosis"].isna().any():
        raise ValueError("postpartum_week_at_diagnosis has missing values")
    data = data.sort_values(["postpartum_week_at_diagnosis", "patient_id"], ascending=False)
    weeks = data["postpartum_week_at_diagnosis"].astype(float)
    rows = list(range(len(data)))
    labels = [patient_label(p) for p in data["patient_id"]]
    fig, (preg, post) = plt.subplots(
        1, 2, figsize=FIGSIZE, sharey=True, layout="constrained", gridspec_kw={"width_ratios": [1, 2.4]}
    )
    for k, name in enumerate(["1st", "2nd", "3rd"]):
        third = name == "3rd"
        preg.axvspan(k, k + 1, color=COLOURS["secondary"] if third else COLOURS["muted"],
                     alpha=0.3 if third else 0.08 * (k + 1), lw=0)
        preg.text(k + 0.5, len(data) - 0.1, f"{name}\ntrim.", ha="center", va="bottom", fontsize=9)
    preg.set_xlim(0, 3)
    preg.set_xticks([])
    preg.set_xlabel("Pregnancy\n(schematic, not to scale)")
    preg.set_yticks(rows, labels)
    preg.set_ylabel("Patient")
    preg.grid(False)
    post.hlines(rows, 0, weeks, color=COLOURS["muted"], lw=1.5)
    post.scatter(weeks, rows, s=60, color=COLOURS["primary"], zorder=3)
    for row, week in zip(rows, weeks, strict=True):
        post.annotate(f"{week:g}", (week, row), xytext=(7, 0), textcoords="offset points",
                      va="center", fontsize=9)
    post.axvline(0, color=COLOURS["threshold"], lw=1.5, gid="delivery")
    post.text(0.4, len(data) - 0.1, "Delivery", ha="left", va="bottom", fontsize=9)
    post.set_xlim(0, max(26.0, float(weeks.max()) + 3))
    post.set_ylim(-0.7, len(data) + 0.9)
    post.set_xlabel("Time of diagnosis after delivery (weeks)")
    post.tick_params(axis="y", left=False)
    fig.suptitle(f"Diagnosed {weeks.min():g} to {weeks.max():g} weeks after delivery "
                 f"(n = {len(data)})", fontweight="bold", fontsize=12)
    fig.get_layout_engine().set(wspace=0.0)
    return fig
