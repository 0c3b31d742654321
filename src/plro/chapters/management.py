"""Chapter 4, the management protocol: the numbers its prose quotes and the tables it shows.

:func:`facts` returns every value the chapter glues into its prose, keyed by glue name
(all start with ``mgmt_``) and worded for reading: counts as integers, patients as
"P1, P3, P6 and P7", vertebral levels as "T6, T10 and T11". The ``*_table`` functions
return the chapter's tables in words (:func:`plro.tables.show`): human headers, yes/no,
"—" with a footnote, no pandas index. Everything is computed from Table I and the imaging
findings (``plro.data``), the paper's statements (``plro.paper``) and
:mod:`plro.management`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from plro.content import load_content
from plro.data import load_imaging_findings, load_patients, load_visits, patient_label
from plro.labs import REFERENCE_INTERVALS, below_interval_at
from plro.management import (
    CALCIUM_MASS_FRACTION_IN_CARBONATE,
    INTERVENTIONS,
    breastfeeding_counts,
    breastfeeding_statements,
    calcium_carbonate_for_elemental_mg,
    drug_coverage,
    drug_table,
    elemental_calcium_mg,
    intervention_matrix,
    protocol_steps,
    text_only_interventions,
)
from plro.paper import claim_patients, statement
from plro.tables import NOT_REPORTED, Table, and_list, count_word, readable, share, show

__all__ = ["bisphosphonate_groups_table", "breastfeeding_table", "doses_table", "drug_tables", "facts",
           "matrix_table", "steps_table", "text_only_table", "vertebroplasty_table"]

_BISPHOSPHONATE_CLAIM = "mgmt_bisphosphonate"  # reported_statistics.csv: whom the text names


def _ids(patients: pd.DataFrame, mask) -> list[int]:
    return [int(i) for i in patients.loc[pd.Series(mask, index=patients.index).fillna(False).astype(bool),
                                          "patient_id"]]


def _labels(ids) -> str:
    return and_list(patient_label(i) for i in ids)


def _levels(findings: pd.DataFrame, finding: str) -> dict[int, list[str]]:
    """Vertebral levels of one finding, per patient, in the order the findings table gives them."""
    rows = findings[findings["finding"].astype(str) == finding]
    return {int(pid): list(group["site"].astype(str)) for pid, group in rows.groupby("patient_id")}


def _vitamin_d_month1(data_dir) -> dict[str, object]:
    """25(OH)D at month 1 on the printed doses: who was below the interval, and who fell further."""
    cut = REFERENCE_INTERVALS["vitamin_d_25oh"].low
    m1, low, fell = below_interval_at(load_visits(data_dir), "vitamin_d_25oh", "month_1")
    return {"mgmt_vd_cut": round(cut),
            "mgmt_vd_low_m1": (f"{share(len(low), len(m1), 'patient')} measured at month 1 ({_labels(low)})"
                               if low else "no patient measured at month 1"),
            "mgmt_vd_fell": (f"{_labels(fell)}, already below it at baseline, fell further" if fell
                             else "none of those already below it at baseline fell further")}


def facts(data_dir: str | Path | None = None) -> dict[str, object]:
    """Every value chapter 4's prose quotes, keyed by its glue name, worded for reading."""
    patients = load_patients(data_dir).sort_values("patient_id")
    findings = load_imaging_findings(data_dir)
    n = len(patients)
    counts = breastfeeding_counts(patients)
    status = patients["breastfeeding"].astype("string")
    bis = _ids(patients, patients["bisphosphonate"])
    vp = _ids(patients, patients["vertebroplasty"])
    continued = _ids(patients, status.eq("continued"))
    not_stated = _ids(patients, status.eq("not_stated"))
    compressions, treated = _levels(findings, "compression_fracture"), _levels(findings, "vertebroplasty")
    not_treated = [pid for pid in sorted(compressions) if pid not in treated]
    named_bis = sorted(claim_patients(_BISPHOSPHONATE_CLAIM))
    same = drug_table().dropna(subset=["agree"]).query("agree")["item"].str.lower()
    return {
        "mgmt_n": n,
        "mgmt_n_discontinued": int(counts["discontinued"]),
        "mgmt_n_continued": int(counts["continued"]),
        "mgmt_n_not_stated": int(counts["not_stated"]),
        "mgmt_continued_ids": _labels(continued),
        "mgmt_continued_word": count_word(int(counts["continued"])),
        "mgmt_not_stated_ids": _labels(not_stated),
        "mgmt_n_bisphosphonate": len(bis),
        "mgmt_bisphosphonate_share": share(len(bis), n, "patient"),
        "mgmt_discontinued_share": share(int(counts["discontinued"]), n, "patient"),
        "mgmt_n_no_bisphosphonate": n - len(bis),
        "mgmt_bisphosphonate_ids": _labels(bis),
        "mgmt_bisphosphonate_as_named": ("exactly the patients the Management text names" if bis == named_bis
                                         else f"while the Management text names {_labels(named_bis)}"),
        "mgmt_n_vitamin_d_calcium": (n_vdc := int(patients["vitamin_d_calcium"].fillna(False).astype(bool)
                                                  .sum())),
        "mgmt_vitamin_d_calcium_phrase": share(n_vdc, n, "patient").capitalize(),
        "mgmt_n_vertebroplasty": len(vp),
        "mgmt_vertebroplasty_ids": _labels(vp),
        "mgmt_vp_levels": and_list(level for pid in vp for level in treated.get(pid, [])),
        "mgmt_compression_ids": _labels(sorted(compressions)),
        "mgmt_compression_no_vp_ids": _labels(not_treated),
        "mgmt_no_vp_kept_breastfeeding": ("were also the women who kept breast-feeding"
                                          if not_treated == continued else
                                          f"are not the women who kept breast-feeding "
                                          f"({_labels(continued)})"),
        "mgmt_same_wording": and_list(same),
        "mgmt_ca_percent": round(100 * CALCIUM_MASS_FRACTION_IN_CARBONATE),
        "mgmt_ca_in_250": round(elemental_calcium_mg(250)),
        "mgmt_caco3_for_1000": round(calcium_carbonate_for_elemental_mg(1000)),
        "mgmt_calcium_quote": statement("mgmt_calcium").quote,
        "mgmt_washout_quote": statement("disc_bisphosphonate_washout").quote,
    } | _vitamin_d_month1(data_dir)


# ------------------------------------------------------------------ tables
def steps_table() -> Table:
    """The protocol's steps in the text's order, each with the paper sections it comes from."""
    steps = protocol_steps().assign(label=lambda d: d["label"].str.replace("\n", " "))
    return show(readable(steps, {"label": "Step", "source": "Paper sections it comes from"}))


def matrix_table(patients: pd.DataFrame) -> Table:
    """Who received what, per Table I: one row per patient, yes / no / not stated."""
    matrix = intervention_matrix(patients).reset_index()
    return show(readable(matrix, INTERVENTIONS, label="patient"), index=True)


def text_only_table() -> Table:
    """The measures the text states for groups of patients, never per patient."""
    headers = {"item": "Measure", "who_the_text_names": "Whom the text names",
               "quote": "The paper's words", "section": "Section"}
    return show(readable(text_only_interventions(), headers))


def breastfeeding_table(patients: pd.DataFrame) -> Table:
    """The paper's three statements on breast-feeding, read literally, against Table I's counts."""
    headers = {"source": "Source", "quote": "What it says", "stopped": "Stopped",
               "continued": "Continued", "not_stated": "Not stated"}
    return show(readable(breastfeeding_statements(patients), headers),
                note="Counts are patients, out of the ten, if the statement were literally true.")


def doses_table() -> Table:
    """The regimen as the Management and Discussion sections word it, and whether the words agree."""
    doses = drug_table().replace({"discussion_section": {"": None}})
    headers = {"item": "Item", "management_section": "Management section",
               "discussion_section": "Discussion section", "agree": "Same wording"}
    return show(readable(doses, headers), dash="the Discussion does not mention it")


def bisphosphonate_groups_table(patients: pd.DataFrame) -> Table:
    """Patients with and without a bisphosphonate per Table I: how many, and who."""
    given = patients["bisphosphonate"].fillna(False).astype(bool)
    rows = [(word, int(mask.sum()), _labels(patients.loc[mask, "patient_id"]))
            for word, mask in (("yes", given), ("no", ~given))]
    groups = pd.DataFrame(rows, columns=["group", "n", "which"])
    return show(readable(groups, {"group": "Bisphosphonate", "n": "Patients", "which": "Which"}))


def vertebroplasty_table(findings: pd.DataFrame) -> Table:
    """The vertebral levels treated with vertebroplasty, as the imaging findings record them."""
    treated = findings[findings["finding"].astype(str) == "vertebroplasty"].assign(
        patient=lambda d: d["patient_id"].map(patient_label))
    return show(readable(treated, {"patient": "Patient", "site": "Level",
                                   "finding_as_printed": "As printed in the paper"}))


def drug_tables(patients: pd.DataFrame) -> tuple[Table, Table]:
    """The book's drug table (``book/content/drug_table.csv``) in two halves, each led by the drug.

    The first half: who Table I records as receiving it, what the paper and its references
    say in PLRO, and general context; the second: breast-feeding, a future pregnancy and
    the sources. "—" in "Recorded in Table I for" means no patient is recorded.
    """
    drugs = load_content("drug_table")
    table = drugs.set_index("drug").join(drug_coverage(drugs, patients)).reset_index()
    table["Recorded in Table I for"] = table["Recorded in Table I for"].replace({NOT_REPORTED: None})
    first = {"drug": "Drug", "Recorded in Table I for": "Recorded in Table I for",
             "in_plro_paper_and_references": "In PLRO: the paper and its references",
             "general_context": "General context"}
    second = {"drug": "Drug", "lactation": "Breast-feeding", "future_pregnancy": "A future pregnancy",
              "sources": "Sources"}
    dash = ("Table I records the drug for no patient (the analgesics were given to all, "
            "but only the text says so)")
    return show(readable(table, first), dash=dash), show(readable(table, second))
