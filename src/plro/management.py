"""The management protocol of the case series, as data.

The paper describes its management in prose (the Management section and the
Discussion) and records, per patient, only part of it in Table I's
"Management protocol" column. This module keeps those two levels apart:

* :func:`protocol_steps` and :func:`protocol_edges` hold the protocol as the
  text describes it, each step with the paper statements (and so the
  sections) it is drawn from;
* :func:`intervention_matrix` holds who received what, **only** for the
  interventions Table I records per patient (breast-feeding, vitamin D and
  calcium, bisphosphonate, vertebroplasty);
* :func:`text_only_interventions` lists what the text states for a group
  ("all patients", "patients with spinal symptoms") without naming patients;
* :func:`drug_table` sets the Management and Discussion wording of each drug,
  dose and measure side by side.

Every quote comes from ``data/paper_statements.csv`` through
:func:`plro.paper.statement`; this module holds only which statement goes
where. The figures are in :mod:`plro.figures.management`.
"""

from __future__ import annotations

import pandas as pd

from plro.data import patient_label
from plro.paper import claim_patients, statement

__all__ = [
    "INTERVENTIONS",
    "CALCIUM_MASS_FRACTION_IN_CARBONATE",
    "section_title",
    "protocol_steps",
    "protocol_edges",
    "step_annotations",
    "breastfeeding_counts",
    "breastfeeding_statements",
    "intervention_matrix",
    "text_only_interventions",
    "drug_table",
    "elemental_calcium_mg",
    "calcium_carbonate_for_elemental_mg",
    "drug_coverage",
]

INTERVENTIONS = {
    "stopped_breastfeeding": "Stopped breast-feeding",
    "vitamin_d_calcium": "Vitamin D + calcium",
    "bisphosphonate": "Bisphosphonate",
    "vertebroplasty": "Vertebroplasty",
}
"""Columns of :func:`intervention_matrix` -> readable labels (Table I's per-patient items)."""

_CA_G_PER_MOL = 40.078
_CACO3_G_PER_MOL = 40.078 + 12.011 + 3 * 15.999
CALCIUM_MASS_FRACTION_IN_CARBONATE = _CA_G_PER_MOL / _CACO3_G_PER_MOL
"""Mass fraction of calcium in calcium carbonate (CaCO3), from standard atomic weights (~0.40)."""

_BREASTFEEDING_ORDER = ["discontinued", "continued", "not_stated"]
_CONTINUED_CLAIM = "mgmt_breastfeeding_continued"  # reported_statistics.csv: who did not stop


# --------------------------------------------------------------------------- protocol as data
_STEPS = [
    ("diagnosis", "Diagnosis of PLRO",
     "history, examination, labs,\nMRI, bone density (DXA)", ("cs_diagnosis_workup",)),
    ("stop_breastfeeding", "Stop breast-feeding",
     "the first step in the text", ("mgmt_first_step", "concl_first_step")),
    ("conservative", "Calcium + vitamin D, analgesia,\nbrace, rest, activity restriction",
     "diclofenac + paracetamol;\nbrace for spinal symptoms",
     ("mgmt_vitamin_d", "mgmt_brace_spinal", "disc_vitamin_d", "disc_brace")),
    ("drug_for_bone", "Bisphosphonate or teriparatide",
     "agent, dose, duration not stated",
     ("mgmt_bisphosphonates", "concl_bisphosphonates_teriparatide")),
    ("vertebroplasty", "Vertebroplasty", "for intractable\nfracture pain",
     ("mgmt_vertebroplasty", "disc_vertebroplasty")),
]

_EDGES = [
    ("diagnosis", "stop_breastfeeding", ""),
    ("stop_breastfeeding", "conservative", "then, all patients"),
    ("conservative", "drug_for_bone", "some patients"),
    ("conservative", "vertebroplasty", "intractable pain from\nvertebral fractures"),
]

# Group-level measures: (item, who the text names, statement id).
_TEXT_ONLY = [
    ("Analgesia (diclofenac + paracetamol)", "all patients", "mgmt_analgesia_all"),
    ("Spinal brace", "patients with spinal symptoms", "mgmt_brace_spinal"),
    ("Bed rest and activity restriction", "patients (all, by implication)", "mgmt_bed_rest"),
    ("Referral to physical medicine and rehabilitation", "all patients", "mgmt_referral"),
    ("Treatment length and exercise programme", "all patients", "disc_treatment_length"),
    ("Follow-up visits", "patients (all, by implication)", "disc_follow_up"),
    ("Management of underlying factors", "not stated", "disc_underlying_factors"),
]

# Drugs and measures: item -> (Management statement id, Discussion statement id or None).
_DRUGS = {
    "Vitamin D": ("mgmt_vitamin_d", "disc_vitamin_d"),
    "Calcium": ("mgmt_calcium", "disc_calcium"),
    "Diclofenac": ("mgmt_diclofenac", "disc_diclofenac"),
    "Paracetamol": ("mgmt_paracetamol", "disc_paracetamol"),
    "Bisphosphonate": ("mgmt_bisphosphonates", None),
    "Spinal brace": ("mgmt_brace", "disc_brace"),
    "Rest and activity": ("mgmt_rest", "disc_rest"),
}


def section_title(section: str) -> str:
    """A ``paper_statements.csv`` section as a heading: 'case_series' -> 'Case Series'."""
    return section.replace("_", " ").title()


def _sources(statement_ids) -> str:
    titles = []
    for sid in statement_ids:
        title = section_title(statement(sid).section)
        if title not in titles:
            titles.append(title)
    return "; ".join(titles)


def protocol_steps() -> pd.DataFrame:
    """The protocol's steps as the paper's text describes them, in order.

    Columns: ``step`` (identifier), ``label`` (box title), ``detail`` (short
    qualifier), ``statements`` (the ids, in ``data/paper_statements.csv``, of
    the sentences the step is drawn from) and ``source`` (their sections, e.g.
    "Management; Conclusion"). The order follows the Management paragraph;
    teriparatide appears only in the Conclusion and Discussion, never as given
    to a patient of this series.
    """
    return pd.DataFrame(
        [{"step": step, "label": label, "detail": detail, "statements": ids,
          "source": _sources(ids)} for step, label, detail, ids in _STEPS]
    )


def protocol_edges() -> pd.DataFrame:
    """Arrows between :func:`protocol_steps`: columns ``source_step``, ``target_step``, ``label``."""
    return pd.DataFrame(_EDGES, columns=["source_step", "target_step", "label"])


# --------------------------------------------------------------------------- per-patient data
def breastfeeding_counts(patients: pd.DataFrame) -> pd.Series:
    """Patients per Table I breast-feeding status, always with all three statuses.

    Index ``discontinued``, ``continued``, ``not_stated`` (zero when absent).
    """
    return (
        patients["breastfeeding"].astype("string").value_counts()
        .reindex(_BREASTFEEDING_ORDER, fill_value=0).rename("patients").astype(int)
    )


def _ids_where(mask: pd.Series, patients: pd.DataFrame) -> list[int]:
    return [int(i) for i in patients.loc[mask.fillna(False).astype(bool), "patient_id"]]


def _labels(ids: list[int]) -> str:
    return ", ".join(patient_label(i) for i in ids)


def step_annotations(patients: pd.DataFrame) -> dict[str, str]:
    """For each protocol step, how many of the patients received it, computed from ``patients``.

    Counts for breast-feeding, vitamin D and calcium, bisphosphonate and
    vertebroplasty come from Table I's columns; analgesia and bracing are
    stated in the text for groups only, so their annotation says so.
    """
    n = len(patients)
    bf = patients["breastfeeding"].astype("string")
    counts = breastfeeding_counts(patients)
    continued = _ids_where(bf.eq("continued"), patients)
    unknown = _ids_where(bf.eq("not_stated"), patients)
    bis = _ids_where(patients["bisphosphonate"], patients)
    vp = _ids_where(patients["vertebroplasty"], patients)
    vdc = int(patients["vitamin_d_calcium"].fillna(False).sum())
    return {
        "diagnosis": f"{n} of {n} patients diagnosed (Table I)",
        "stop_breastfeeding": (
            f"{counts['discontinued']} of {n} stopped per Table I;\n"
            f"{counts['continued']} continued ({_labels(continued)}); "
            f"{counts['not_stated']} not stated ({_labels(unknown)})"
        ),
        "conservative": (
            f"calcium + vitamin D: {vdc} of {n} (Table I);\n"
            "analgesia: 'all patients' (text only);\n"
            "brace: 'spinal symptoms' (no count given)"
        ),
        "drug_for_bone": (
            f"bisphosphonate: {len(bis)} of {n} ({_labels(bis)});\n"
            "teriparatide: none reported in this series"
        ),
        "vertebroplasty": f"{len(vp)} of {n} ({_labels(vp)}, Table I)",
    }


def intervention_matrix(patients: pd.DataFrame) -> pd.DataFrame:
    """Who received what, for the interventions Table I records per patient.

    One row per patient (index ``P1``..``P10``), one column per key of
    :data:`INTERVENTIONS`; values ``"yes"``, ``"no"`` or ``"not stated"``.
    ``stopped_breastfeeding`` is ``"yes"`` for breast-feeding discontinued,
    ``"no"`` for continued and ``"not stated"`` when Table I mentions neither.
    Nothing is filled in from the prose.
    """
    yes_no = {True: "yes", False: "no"}
    bf = {"discontinued": "yes", "continued": "no", "not_stated": "not stated"}
    unknown = set(patients["breastfeeding"].astype("string").dropna()) - set(bf)
    if unknown or patients["breastfeeding"].isna().any():
        raise ValueError(f"unexpected breastfeeding values: {sorted(unknown) or ['<missing>']}")
    return (
        patients.sort_values("patient_id")
        .assign(
            patient=lambda d: d["patient_id"].map(patient_label),
            stopped_breastfeeding=lambda d: d["breastfeeding"].astype("string").map(bf),
            vitamin_d_calcium=lambda d: d["vitamin_d_calcium"].astype(bool).map(yes_no),
            bisphosphonate=lambda d: d["bisphosphonate"].astype(bool).map(yes_no),
            vertebroplasty=lambda d: d["vertebroplasty"].astype(bool).map(yes_no),
        )
        .set_index("patient")[list(INTERVENTIONS)]
        .rename_axis(columns="intervention")
    )


def text_only_interventions() -> pd.DataFrame:
    """Measures the text states for a group without naming patients (not in Table I).

    Columns: ``item``, ``who_the_text_names``, ``quote`` (from
    ``data/paper_statements.csv``) and ``section`` (its heading, e.g.
    "Management"). Besides the analgesia, brace and rest of the Management
    paragraph, this includes the referral, treatment length, exercise,
    follow-up schedule and attention to "underlying factors" that the paper
    mentions only in passing.
    """
    rows = []
    for item, who, sid in _TEXT_ONLY:
        said = statement(sid)
        rows.append((item, who, said.quote, section_title(said.section)))
    return pd.DataFrame(rows, columns=["item", "who_the_text_names", "quote", "section"])


def breastfeeding_statements(patients: pd.DataFrame) -> pd.DataFrame:
    """What each part of the paper says about breast-feeding, set against Table I's counts.

    Columns: ``source``, ``quote``, ``stopped``, ``continued`` and
    ``not_stated`` (patients implied by a literal reading of the quote; for
    Table I, counted from ``patients``). A statement that names no exception
    is read as covering every patient; the Management text's named exceptions
    are the patients of claim ``mgmt_breastfeeding_continued``.
    """
    n = len(patients)
    named_continuing = claim_patients(_CONTINUED_CLAIM)
    counts = breastfeeding_counts(patients)
    first, exception = statement("mgmt_first_step"), statement("mgmt_breastfeeding_exception")
    stopped_all = statement("disc_discontinued")
    table_i = [statement(s).quote for s in ("ti_breastfeeding_discontinued", "ti_breastfeeding_kept")]
    rows = [
        (section_title(first.section), f"{first.quote}. {exception.quote}",
         n - len(named_continuing), len(named_continuing), 0),
        (section_title(stopped_all.section), stopped_all.quote, n, 0, 0),
        ("Table I (data)", " / ".join(f"'{q}'" for q in table_i) + " / neither",
         int(counts["discontinued"]), int(counts["continued"]), int(counts["not_stated"])),
    ]
    return pd.DataFrame(rows, columns=["source", "quote", "stopped", "continued", "not_stated"])


# --------------------------------------------------------------------------- drugs and doses
def drug_table() -> pd.DataFrame:
    """Drugs, doses and measures as the Management and Discussion sections word them.

    Columns: ``item``; ``management_section`` and ``discussion_section`` (the
    quotes, empty string when the section says nothing); ``agree`` (True when
    both sections use the same words, False when they differ, ``<NA>`` when
    only one section speaks); ``note`` (the book's comment, the ``note`` of
    the Management statement in ``data/paper_statements.csv``).
    """
    rows = []
    for item, (management_id, discussion_id) in _DRUGS.items():
        management = statement(management_id)
        discussion = statement(discussion_id).quote if discussion_id else ""
        agree = (management.quote == discussion) if discussion_id else pd.NA
        rows.append((item, management.quote, discussion, agree, management.note))
    table = pd.DataFrame(
        rows, columns=["item", "management_section", "discussion_section", "agree", "note"]
    )
    return table.astype({"agree": "boolean"})


def elemental_calcium_mg(calcium_carbonate_mg: float) -> float:
    """Milligrams of calcium in a given mass of calcium carbonate (CaCO3)."""
    if calcium_carbonate_mg < 0:
        raise ValueError("a mass cannot be negative")
    return float(calcium_carbonate_mg) * CALCIUM_MASS_FRACTION_IN_CARBONATE


def calcium_carbonate_for_elemental_mg(calcium_mg: float) -> float:
    """Milligrams of calcium carbonate that hold a given mass of calcium."""
    if calcium_mg < 0:
        raise ValueError("a mass cannot be negative")
    return float(calcium_mg) / CALCIUM_MASS_FRACTION_IN_CARBONATE


def drug_coverage(drugs: pd.DataFrame, patients: pd.DataFrame) -> pd.Series:
    """For each drug of the book's drug table, who Table I records as receiving it.

    ``drugs`` has the columns ``drug`` and ``data_source`` of
    ``book/content/drug_table.csv`` (:func:`plro.content.load_content`): a
    ``patients.<column>`` holding True/False per patient, or empty when Table I
    records the drug for nobody. Returns a Series indexed by drug (checklist order):
    'all 10', '4 of 10 (P1, P3, P6, P7)', or '—' (not recorded per patient: the
    drug was given to nobody, or, like the analgesics, only the text says who). A
    data source that is not a
    True/False column of ``patients`` raises ``ValueError``.
    """
    n = len(patients)
    out = {}
    for drug, source in zip(drugs["drug"], drugs["data_source"]):
        table, _, column = source.partition(".")
        if source and (table != "patients" or column not in patients.columns
                       or patients[column].dropna().map(type).ne(bool).any()):
            raise ValueError(f"drug {drug!r}: data source {source!r} is not a True/False "
                             "column of patients")
        ids = _ids_where(patients[column], patients) if source else []
        out[drug] = ("—" if not ids else f"all {n}" if len(ids) == n
                     else f"{len(ids)} of {n} ({_labels(ids)})")
    return pd.Series(out, name="Recorded in Table I for").rename_axis("Drug")
