"""The management protocol of the case series, as data and as figures.

The paper describes its management in prose (the Management section and the
Discussion) and records, per patient, only part of it in Table I's
"Management protocol" column. This module keeps those two levels apart:

* :func:`protocol_steps` and :func:`protocol_edges` hold the protocol as the
  text describes it, each step with the paper section it comes from;
* :func:`intervention_matrix` holds who received what, **only** for the
  interventions Table I records per patient (breast-feeding, vitamin D and
  calcium, bisphosphonate, vertebroplasty);
* :func:`text_only_interventions` lists what the text states for a group
  ("all patients", "patients with spinal symptoms") without naming patients;
* :func:`drug_table` sets the Management and Discussion wording of each drug,
  dose and measure side by side, quoted verbatim-short from the paper.

Figures: :func:`plot_protocol_flowchart` (matplotlib boxes and arrows, no
graphviz, no network) and :func:`plot_intervention_matrix`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from plro.theme import COLOURS, patient_label

__all__ = [
    "INTERVENTIONS",
    "CALCIUM_MASS_FRACTION_IN_CARBONATE",
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
    "plot_protocol_flowchart",
    "plot_intervention_matrix",
]

INTERVENTIONS = {
    "stopped_breastfeeding": "Stopped breast-feeding",
    "vitamin_d_calcium": "Vitamin D + calcium",
    "bisphosphonate": "Bisphosphonate",
    "vertebroplasty": "Vertebroplasty",
}
"""Columns of :func:`intervention_matrix` -> readable labels (Table I's per-patient items)."""

_TICK_LABELS = {
    "stopped_breastfeeding": "Stopped\nbreast-feeding",
    "vitamin_d_calcium": "Vitamin D\n+ calcium",
    "bisphosphonate": "Bisphos-\nphonate",
    "vertebroplasty": "Vertebro-\nplasty",
}

_CA_G_PER_MOL = 40.078
_CACO3_G_PER_MOL = 40.078 + 12.011 + 3 * 15.999
CALCIUM_MASS_FRACTION_IN_CARBONATE = _CA_G_PER_MOL / _CACO3_G_PER_MOL
"""Mass fraction of calcium in calcium carbonate (CaCO3), from standard atomic weights (~0.40)."""


# --------------------------------------------------------------------------- protocol as data
_STEPS = [
    {
        "step": "diagnosis",
        "label": "Diagnosis of PLRO",
        "detail": "history, examination, labs,\nMRI, bone density (DXA)",
        "source": "Case Series",
    },
    {
        "step": "stop_breastfeeding",
        "label": "Stop breast-feeding",
        "detail": "\"our first step\"",
        "source": "Management; Conclusion",
    },
    {
        "step": "conservative",
        "label": "Calcium + vitamin D, analgesia,\nbrace, rest, activity restriction",
        "detail": "diclofenac + paracetamol;\nbrace for spinal symptoms",
        "source": "Management; Discussion",
    },
    {
        "step": "drug_for_bone",
        "label": "Bisphosphonate or teriparatide",
        "detail": "agent, dose, duration not stated",
        "source": "Management; Conclusion",
    },
    {
        "step": "vertebroplasty",
        "label": "Vertebroplasty",
        "detail": "for intractable\nfracture pain",
        "source": "Management; Discussion",
    },
]

_EDGES = [
    ("diagnosis", "stop_breastfeeding", ""),
    ("stop_breastfeeding", "conservative", "then, all patients"),
    ("conservative", "drug_for_bone", "some patients"),
    ("conservative", "vertebroplasty", "intractable pain from\nvertebral fractures"),
]


def protocol_steps() -> pd.DataFrame:
    """The protocol's steps as the paper's text describes them, in order.

    Columns: ``step`` (identifier), ``label`` (box title), ``detail`` (short
    qualifier) and ``source`` (the paper section(s) each step is drawn from).
    The order follows the Management paragraph; teriparatide appears only in
    the Conclusion and Discussion, never as given to a patient of this series.
    """
    return pd.DataFrame(_STEPS)


def protocol_edges() -> pd.DataFrame:
    """Arrows between :func:`protocol_steps`: columns ``source_step``, ``target_step``, ``label``."""
    return pd.DataFrame(_EDGES, columns=["source_step", "target_step", "label"])


# --------------------------------------------------------------------------- per-patient data
def breastfeeding_counts(patients: pd.DataFrame) -> pd.Series:
    """Patients per Table I breast-feeding status, always with all three statuses.

    Index ``discontinued``, ``continued``, ``not_stated`` (zero when absent).
    """
    order = ["discontinued", "continued", "not_stated"]
    return (
        patients["breastfeeding"].astype("string").value_counts().reindex(order, fill_value=0)
        .rename("patients").astype(int)
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
    ``stopped_breastfeeding`` is ``"yes"`` for 'Discontinuation of
    breastfeeding', ``"no"`` for 'Keep on breastfeeding' and ``"not stated"``
    when Table I mentions neither. Nothing is filled in from the prose.
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

    Columns: ``item``, ``who_the_text_names``, ``quote`` (verbatim-short, from the
    paper section named in ``section``), ``section``. Besides the analgesia,
    brace and rest of the Management paragraph, this includes the referral,
    treatment length, exercise, follow-up schedule and attention to
    "underlying factors" that the paper mentions only in passing.
    """
    rows = [
        ("Analgesia (diclofenac + paracetamol)", "all patients",
         "all patients received", "Management"),
        ("Spinal brace", "patients with spinal symptoms",
         "Patients with spinal symptoms wore spinal braces", "Management"),
        ("Bed rest and activity restriction", "patients (all, by implication)",
         "Patients were recommended to have bed rest", "Management"),
        ("Referral to physical medicine and rehabilitation", "all patients",
         "All the patients were referred to the outpatient clinics of physical medicine and "
         "rehabilitation", "Management"),
        ("Treatment length and exercise programme", "all patients",
         "All patients received treatment for PLRO for 6 months and started exercise programs",
         "Discussion"),
        ("Follow-up visits", "patients (all, by implication)",
         "Patients were followed up at 1, 3, and 6 months", "Discussion"),
        ("Management of underlying factors", "not stated",
         "Management of underlying factors was recommended following a detailed prepregnancy "
         "history", "Discussion"),
    ]
    return pd.DataFrame(rows, columns=["item", "who_the_text_names", "quote", "section"])


def breastfeeding_statements(patients: pd.DataFrame) -> pd.DataFrame:
    """What each part of the paper says about breast-feeding, set against Table I's counts.

    Columns: ``source``, ``quote`` (verbatim-short), ``stopped``, ``continued``
    and ``not_stated`` (patients implied by a literal reading of the quote; for
    Table I, counted from ``patients``). A statement that names no exception
    is read as covering every patient.
    """
    n = len(patients)
    named_continuing = [8, 10]  # "Two patients (patient 8 and 10) did not discontinue"
    counts = breastfeeding_counts(patients)
    rows = [
        ("Management", "our first step was the discontinuation of breast-feeding. "
         "Two patients (patient 8 and 10) did not discontinue",
         n - len(named_continuing), len(named_continuing), 0),
        ("Discussion", "Patients discontinued breast-feeding as soon as they were "
         "diagnosed with PLRO", n, 0, 0),
        ("Table I (data)", "'Discontinuation of breastfeeding' / 'Keep on breastfeeding' / "
         "neither", int(counts["discontinued"]), int(counts["continued"]),
         int(counts["not_stated"])),
    ]
    return pd.DataFrame(rows, columns=["source", "quote", "stopped", "continued", "not_stated"])


# --------------------------------------------------------------------------- drugs and doses
def drug_table() -> pd.DataFrame:
    """Drugs, doses and measures as the Management and Discussion sections word them.

    Columns: ``item``; ``management_section`` and ``discussion_section``
    (verbatim-short quotes, empty string when the section says nothing);
    ``agree`` (True when both sections state the same dose and schedule,
    False when they differ, ``<NA>`` when only one section speaks); ``note``.
    """
    rows = [
        ("Vitamin D", "vitamin D 1000 IU orally",
         "vitamin D3 880 IU orally once a day", False,
         "Different dose (1000 vs 880 IU); the Discussion names D3."),
        ("Calcium", "calcium carbonate (1000 mg calcium ion) 250 mg orally daily",
         "calcium 1000 mg orally once a day", False,
         "The Management wording is internally ambiguous: 250 mg of calcium carbonate "
         "holds about 100 mg of calcium, not 1000 mg."),
        ("Diclofenac", "diclofenac potassium 50 mg orally twice a day",
         "diclofenac potassium 50 mg orally twice a day", True, "Same wording."),
        ("Paracetamol", "paracetamol 500 mg orally thrice a day",
         "paracetamol 500 mg orally thrice a day", True, "Same wording."),
        ("Bisphosphonate", "Four patients (patients 1, 3, 6, and 7) received bisphosphonates",
         "", pd.NA,
         "Agent, dose and duration not stated anywhere; the Discussion cites "
         "bisphosphonates only from the literature."),
        ("Spinal brace", "wore spinal braces 16 hours a day for first 4 weeks",
         "They were asked to wear spinal braces", False,
         "16 h/day for the first 4 weeks vs no duration; the Discussion's later paragraph "
         "summarising Laroche et al. adds 'short-term use of spinal braces'."),
        ("Rest and activity", "bed rest and abstain from strenuous physical activities "
         "including weight bearing and forward bending",
         "refrain from strenuous activities, forward bending, and weight lifting", False,
         "Bed rest only in Management; 'weight bearing' vs 'weight lifting'."),
    ]
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


# --------------------------------------------------------------------------- figures
_BOX_W, _BOX_H, _BOX_X = 4.3, 1.35, 3.35
_ROWS_Y = {"diagnosis": 9.0, "stop_breastfeeding": 7.0, "conservative": 5.0,
           "drug_for_bone": 3.0, "vertebroplasty": 1.0}
_FILLS = {"diagnosis": COLOURS["reference_band"], "stop_breastfeeding": COLOURS["secondary"],
          "conservative": COLOURS["reference_band"], "drug_for_bone": COLOURS["accent"],
          "vertebroplasty": COLOURS["no_bisphosphonate"]}


def plot_protocol_flowchart(patients: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Figure:
    """Draw the management protocol as boxes and arrows, annotated with counts from ``patients``.

    One box per row of :func:`protocol_steps` (patch ``gid`` ``"step:<step>"``),
    one arrow per row of :func:`protocol_edges` (``gid`` ``"edge:<a>-><b>"``).
    Each box shows the step's label and detail; to its right, how many
    patients received it (:func:`step_annotations`) and the paper section.
    Returns the Figure.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.6, 6.6))
    else:
        fig = ax.figure
    ax.set_xlim(0, 10.2)
    ax.set_ylim(-0.1, 10.0)
    ax.axis("off")
    notes = step_annotations(patients)
    for step in protocol_steps().itertuples():
        y = _ROWS_Y[step.step]
        box = FancyBboxPatch((_BOX_X - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                             boxstyle="round,pad=0.02,rounding_size=0.15", gid=f"step:{step.step}",
                             facecolor=_FILLS[step.step], alpha=0.35, edgecolor="black", lw=1.2)
        ax.add_patch(box)
        ax.text(_BOX_X, y + 0.24, step.label, ha="center", va="center", fontsize=10,
                fontweight="bold")
        ax.text(_BOX_X, y - 0.4, step.detail, ha="center", va="center", fontsize=9,
                style="italic")
        ax.text(_BOX_X + _BOX_W / 2 + 0.35, y + 0.15, notes[step.step], ha="left", va="center",
                fontsize=9)
        ax.text(_BOX_X + _BOX_W / 2 + 0.35, y - 0.52, f"Source: {step.source}", ha="left",
                va="center", fontsize=8.5, color="#444444")
    for edge in protocol_edges().itertuples():
        _draw_edge(ax, edge.source_step, edge.target_step, edge.label)
    ax.set_title("PLRO management as the paper describes it,\nwith counts from Table I")
    return fig


def _draw_edge(ax: plt.Axes, source: str, target: str, label: str) -> None:
    y0, y1 = _ROWS_Y[source] - _BOX_H / 2, _ROWS_Y[target] + _BOX_H / 2
    skips = y0 - y1 > 1.0  # skips the box in between: route round its left side
    x = _BOX_X - _BOX_W / 2 - 0.15 if skips else _BOX_X
    start, end = ((x + 0.3, y0), (x + 0.3, y1)) if skips else ((x, y0), (x, y1))
    style = "arc3,rad=0.5" if skips else "arc3"
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.3,
                                 color="black", connectionstyle=style,
                                 gid=f"edge:{source}->{target}"))
    if label:
        lx = x - 0.55 if skips else x + 0.1
        ha = "right" if skips else "left"
        ax.text(lx, (y0 + y1) / 2, label, ha=ha, va="center", fontsize=8.5, color="#333333")


def plot_intervention_matrix(matrix: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Figure:
    """Heatmap of :func:`intervention_matrix`: patients as rows, interventions as columns.

    Cells are coloured (received / not received / not stated) **and** carry
    the words, so the figure does not rely on colour alone. Returns the Figure.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 4.6))
    else:
        fig = ax.figure
    codes = {"no": 0, "yes": 1, "not stated": 2}
    grid = matrix.apply(lambda column: column.map(codes)).astype(int).to_numpy()
    colours = ["#f2f2f2", COLOURS["primary"], COLOURS["not_stated"]]
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=-0.5, vmax=2.5, aspect="auto")
    for (row, col), value in np.ndenumerate(matrix.to_numpy()):
        ax.text(col, row, value, ha="center", va="center", fontsize=8.5,
                color="white" if value != "no" else "black")
    ax.set_xticks(range(matrix.shape[1]),
                  [_TICK_LABELS[c] for c in matrix.columns])
    ax.set_yticks(range(matrix.shape[0]), matrix.index)
    ax.set_xlabel("Intervention recorded in Table I")
    ax.set_ylabel("Patient")
    ax.grid(False)
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, matrix.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, matrix.shape[0]), minor=True)
    ax.grid(which="minor", color="white", lw=2)
    handles = [Patch(facecolor=c, edgecolor="#999999", label=lab)
               for c, lab in zip(colours, ["not received", "received", "not stated"], strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title("Who received what, per Table I")
    return fig
