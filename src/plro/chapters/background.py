"""Chapter 1, background: the numbers its prose quotes and the tables it shows.

The background numbers are claims the paper quotes from earlier work (``plro.minerals``
reads them from the printed numbers), and the last section places the ten patients on
the pregnancy-postpartum timeline (``plro.data``). :func:`facts` returns every value the
prose glues in, already worded; the ``*_table`` functions return the chapter's tables
in words (:func:`plro.tables.show`).

Typical use, in the chapter's one glue cell::

    for name, value in facts().items():
        glue(name, value, display=False)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from plro.data import load_patients, patient_label
from plro.describe import describe_continuous
from plro.minerals import (
    BACKGROUND_FACTS,
    RISK_FACTOR_STATEMENTS,
    background_facts,
    mineral_transfer,
    one_in_n_women,
    quoted_fact,
    risk_factor_table,
)
from plro.paper import printed, statement
from plro.tables import Table, and_list, cell_text, number, readable, show

__all__ = ["calcium_rows_table", "facts", "minerals_table", "quoted_numbers_table", "risk_factors_table",
           "smokers_table"]

_QUOTED_HEADERS = {"fact": "Quoted figure", "as the paper words it": "The paper's words",
                   "amount": "Value", "where": "Where the paper gives it"}


def _quoted(name: str) -> int | str:
    """A quoted background number as the paper prints it (``30``, ``"0.4"``, ``"53.9"``)."""
    fact = quoted_fact(name)
    return number(fact.value, fact.decimals)


def facts(data_dir: str | Path | None = None) -> dict[str, object]:
    """Every value chapter 1's prose quotes, keyed by its glue name, worded for reading.

    The quoted background numbers keep their printed decimals (``incidence`` "0.4",
    ``calcium_lost`` 30); counts are integers; quotes are the paper's words; the weeks of
    diagnosis are computed from Table I (``week_mean`` with one decimal).
    """
    patients = load_patients(data_dir)
    values: dict[str, object] = {name: _quoted(name) for name in BACKGROUND_FACTS}
    incidence = quoted_fact("incidence")
    values |= {
        "incidence_unit": incidence.unit,
        "one_in_n": f"{one_in_n_women():,d}",
        "fetal_share_pct": number(100 * quoted_fact("calcium_lost").value / 1000),  # of ~1 kg
        "period_start": printed("abs_period_start").as_printed,
        "period_end": printed("abs_period_end").as_printed,
        "laroche_n": printed("disc_laroche_cohort").as_printed,  # reference 9's cohort size
        "first_pregnancy_quote": statement("intro_first_pregnancy").quote.removeprefix("PLRO "),
        "calcium_critical_quote": statement("intro_calcium_critical").quote,
    }
    pointless = statement("disc_calcium_pointless")
    values["calcium_pointless_quote"] = pointless.quote.split(" (")[0]
    values["calcium_pointless_refs"] = and_list(pointless.cited_references)

    risk = risk_factor_table()
    values |= {"n_rf_intro": int(risk["introduction"].notna().sum()),
               "n_rf_disc": int(risk["discussion"].notna().sum()),
               "n_rf_both": int(risk["in_both"].sum())}

    weight_gain = printed("tii_weight_gain")
    values |= {
        "n_smokers": int(patients["smoking"].sum()),
        "n_patients": len(patients),
        "disc_smokers_quote": statement("disc_smokers_three").quote,
        "weight_gain_quote": weight_gain.quote,
        "weight_gain_patient": and_list(map(patient_label, weight_gain.patient_ids)),
    }

    weeks = describe_continuous(patients["postpartum_week_at_diagnosis"])
    onset = printed("cs_onset_mean")
    values |= {
        "week_n": weeks["n"],
        "week_min": number(weeks["min"]),
        "week_max": number(weeks["max"]),
        "week_median": number(weeks["median"]) if float(weeks["median"]).is_integer()
        else number(weeks["median"], 1),
        "week_mean": number(weeks["mean"], 1),
        "week_rep_mean": number(onset.value, onset.decimals),
        "onset_quote": statement("cs_symptom_onset").quote,
    }
    return values


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _quoted_frame() -> pd.DataFrame:
    table = background_facts()
    pairs = zip(table["value"], table["unit"], strict=True)
    amount = [f"{cell_text(v)}{'' if unit == '%' else ' '}{unit}" for v, unit in pairs]
    where = [f"{section.capitalize()}, ref. {refs}"
             for section, refs in zip(table["section"], table["ref_numbers"], strict=True)]
    return table.assign(amount=amount, where=where,
                        fact=table["fact"].str.replace(" (literature)", "", regex=False).map(_first_upper))


def quoted_numbers_table() -> Table:
    """The background numbers the paper quotes, one row each, with its words and its reference."""
    return show(readable(_quoted_frame(), _QUOTED_HEADERS))


def calcium_rows_table() -> Table:
    """The two quoted calcium figures side by side (the exercise's solution)."""
    table = _quoted_frame()
    calcium = table[table["fact"].str.contains("calcium")]
    headers = {key: _QUOTED_HEADERS[key] for key in ("fact", "amount", "where")}
    return show(readable(calcium, headers))


def minerals_table() -> Table:
    """Grams of each mineral the mother is said to lose in pregnancy, with the paper's reference."""
    headers = {"mineral": "Mineral", "symbol": "Symbol", "grams": "Lost in pregnancy (g)",
               "ref_number": "Paper's reference"}
    return show(readable(mineral_transfer(), headers))


def risk_factors_table() -> Table:
    """The Introduction's and the Discussion's risk factors side by side, one row per topic."""
    cited = {section: ", ".join(map(str, statement(sid).cited_references))
             for section, sid in RISK_FACTOR_STATEMENTS.items()}
    headers = {"topic": "Topic (this book's grouping)",
               "introduction": f"Introduction (refs {cited['introduction']})",
               "discussion": f"Discussion (refs {cited['discussion']})",
               "in_both": "In both lists"}
    return show(readable(risk_factor_table(), headers), dash="this list does not name the factor")


def smokers_table(data_dir: str | Path | None = None) -> Table:
    """The patients Table I marks as smokers, with Table I's risk-factor wording."""
    patients = load_patients(data_dir)
    smokers = patients[patients["smoking"].fillna(False).astype(bool)]
    smokers = smokers.assign(patient=smokers["patient_id"].map(patient_label))
    headers = {"patient": "Patient", "risk_factors_as_printed": "Risk factors (Table I)"}
    return show(readable(smokers, headers))
