"""Who the ten patients were: Table 1, presenting symptoms, timing and T-scores.

The helpers here feed the chapter ``notebooks/02-the-cohort.ipynb``:

* :func:`parse_symptom_regions`, :func:`symptom_regions` and :func:`symptom_pattern`
  turn Table I's printed symptom text into tidy, countable data;
* :func:`cohort_variables`, :func:`cohort_table` and :func:`cohort_table_html`
  build a "Table 1" of the cohort with the ``tableone`` package;
* :data:`REPORTED_IN_TEXT` and :func:`computed_vs_reported` set the summary
  numbers printed in the paper's text beside the same numbers recomputed from
  Table I, so that differences are shown rather than smoothed over;
* :func:`plot_symptoms`, :func:`plot_postpartum_weeks` and :func:`plot_t_scores`
  draw the chapter's figures and return the matplotlib ``Figure``.

Typical use::

    from plro.data import load_patients
    from plro.cohort import cohort_table, symptom_regions
    patients = load_patients()
    cohort_table(patients)
"""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from plro.bone_density import (
    T_SCORE_SITES,
    WHO_NORMAL_MIN,
    WHO_OSTEOPOROSIS_MAX,
    t_scores_long,
)
from plro.theme import COLOURS, FIGSIZE, WIDE_FIGSIZE, patient_label

__all__ = [
    "REGIONS",
    "CONTINUOUS_LABELS",
    "CATEGORICAL_LABELS",
    "REPORTED_IN_TEXT",
    "WHO_COLOURS",
    "parse_symptom_regions",
    "symptom_regions",
    "symptom_pattern",
    "cohort_variables",
    "cohort_table",
    "cohort_table_html",
    "describe_continuous",
    "computed_vs_reported",
    "plot_symptoms",
    "plot_postpartum_weeks",
    "plot_t_scores",
]

REGIONS = ("back", "low back", "hip", "ankle", "inguinal")
"""Body regions named in Table I's symptom text, from the top of the body down."""

_PATTERN_ORDER = ("back", "hip", "low back", "ankle", "inguinal")
# Order of regions inside a pattern label, chosen to read like the paper's
# wording ("back and low back pain", "hip and low back pain", "hip and ankle pain").

CONTINUOUS_LABELS = {
    "age_years": "Age, years",
    "postpartum_week_at_diagnosis": "Time of diagnosis, weeks after delivery",
    "vas_table_i": "Baseline pain, VAS 0-10",
    "t_score_l1_l4": "T-score, lumbar spine L1-L4",
    "t_score_l2_l4": "T-score, lumbar spine L2-L4",
    "t_score_femoral_neck": "T-score, femoral neck",
}
"""``patients.csv`` column -> readable label (with unit) for each continuous variable."""

CATEGORICAL_LABELS = {
    "smoking": "Smoking",
    "twin_pregnancy": "Twin pregnancy",
    "breastfeeding": "Breast-feeding after diagnosis",
    "symptom_pattern": "Presenting symptom pattern",
    "bisphosphonate": "Bisphosphonate",
    "vertebroplasty": "Vertebroplasty",
}
"""Column -> readable label for each categorical variable of Table 1."""

_BREASTFEEDING = {"discontinued": "Discontinued", "continued": "Continued", "not_stated": "Not stated"}

_DECIMALS = {
    "age_years": 1,
    "postpartum_week_at_diagnosis": 1,
    "vas_table_i": 1,
    "t_score_l1_l4": 2,
    "t_score_l2_l4": 2,
    "t_score_femoral_neck": 2,
}

REPORTED_IN_TEXT = {
    "age_years": {"mean": 29.75, "sd": 3.24, "median": 30.0},
    "postpartum_week_at_diagnosis": {"mean": 7.0, "sd": 7.15, "median": 4.0},
    "vas_table_i": {"mean": 7.9, "sd": 0.8, "median": None},
    "t_score_l1_l4": {"mean": -2.91, "sd": 0.39, "median": None},
    "t_score_l2_l4": {"mean": -2.85, "sd": 0.38, "median": None},
    "t_score_femoral_neck": {"mean": -2.19, "sd": 0.50, "median": None},
}
"""Summary statistics printed in the paper's "Case Series" text (``None``: not printed).

Quoted as printed: age "29.75 ± 3.24 years, median: 30 years"; time of
diagnosis "mean: 7 ± 7.15 weeks, median 4 weeks"; VAS "7.9 ± 0.8"; T-scores
L1-L4 "-2.91 ± 0.39", L2-L4 "-2.85 ± 0.38", femoral neck "-2.19 ± 0.50".
"""

WHO_COLOURS = {
    "osteoporosis": COLOURS["warning"],
    "osteopenia": COLOURS["reference_band"],
    "normal": COLOURS["accent"],
}
"""One colour per WHO densitometric category (Okabe-Ito)."""


def parse_symptom_regions(text: str) -> list[str]:
    """The body regions named in one Table I symptom cell, in :data:`REGIONS` order.

    "Back" counts only when it is not part of "low back": "Back and low back
    pain" names both, "Low back pain" names only the low back. Raises
    ``ValueError`` when the text names none of the known regions, rather than
    guessing.
    """
    if text is None or pd.isna(text):
        raise ValueError("cannot read body regions from a missing symptom text")
    lower = str(text).lower()
    found = set()
    if re.search(r"\blow back\b", lower):
        found.add("low back")
    if re.search(r"\bback\b", re.sub(r"\blow back\b", " ", lower)):
        found.add("back")
    for region in ("hip", "ankle", "inguinal"):
        if re.search(rf"\b{region}\b", lower):
            found.add(region)
    if not found:
        raise ValueError(f"no known body region ({', '.join(REGIONS)}) in symptom text {text!r}")
    return [r for r in REGIONS if r in found]


def symptom_regions(patients: pd.DataFrame) -> pd.DataFrame:
    """Tidy patient x region table: one row per patient per region in :data:`REGIONS`.

    Columns: ``patient_id``, ``region`` (ordered categorical, :data:`REGIONS`
    order) and ``present`` (``True`` when Table I's symptom text names the region).
    """
    rows = [
        {"patient_id": int(pid), "region": region, "present": region in parse_symptom_regions(text)}
        for pid, text in zip(patients["patient_id"], patients["symptoms"], strict=True)
        for region in REGIONS
    ]
    tidy = pd.DataFrame(rows)
    return tidy.assign(region=pd.Categorical(tidy["region"], categories=list(REGIONS), ordered=True))


def symptom_pattern(patients: pd.DataFrame) -> pd.Series:
    """The presenting symptom pattern of each patient, e.g. "Back + low back" or "Low back only".

    Returned as a string Series aligned with ``patients`` and named ``symptom_pattern``.
    """
    labels = []
    for text in patients["symptoms"]:
        regions = sorted(parse_symptom_regions(text), key=_PATTERN_ORDER.index)
        label = " + ".join(regions) if len(regions) > 1 else f"{regions[0]} only"
        labels.append(label[0].upper() + label[1:])
    return pd.Series(labels, index=patients.index, name="symptom_pattern", dtype="string")


def _yes_no(column: pd.Series) -> pd.Series:
    if column.isna().any():
        raise ValueError(f"column {column.name!r} has missing values; Table 1 would hide them")
    return column.map({True: "Yes", False: "No"}).astype(str)


def cohort_variables(patients: pd.DataFrame) -> pd.DataFrame:
    """The Table 1 variables, one row per patient, with readable names and values.

    Continuous columns become floats; yes/no columns become "Yes"/"No"; breast-feeding
    status reads "Discontinued", "Continued" or "Not stated"; the symptom pattern
    comes from :func:`symptom_pattern`. Column names are the labels in
    :data:`CONTINUOUS_LABELS` and :data:`CATEGORICAL_LABELS`.
    """
    continuous = {
        CONTINUOUS_LABELS[col]: patients[col].astype(float) for col in CONTINUOUS_LABELS
    }
    categorical = {
        CATEGORICAL_LABELS["smoking"]: _yes_no(patients["smoking"]),
        CATEGORICAL_LABELS["twin_pregnancy"]: _yes_no(patients["twin_pregnancy"]),
        CATEGORICAL_LABELS["breastfeeding"]: patients["breastfeeding"].astype(str).map(_BREASTFEEDING),
        CATEGORICAL_LABELS["symptom_pattern"]: symptom_pattern(patients).astype(str),
        CATEGORICAL_LABELS["bisphosphonate"]: _yes_no(patients["bisphosphonate"]),
        CATEGORICAL_LABELS["vertebroplasty"]: _yes_no(patients["vertebroplasty"]),
    }
    return pd.DataFrame({**continuous, **categorical}).reset_index(drop=True)


def _category_order(variables: pd.DataFrame) -> dict[str, list[str]]:
    order = {CATEGORICAL_LABELS[c]: ["Yes", "No"] for c in
             ("smoking", "twin_pregnancy", "bisphosphonate", "vertebroplasty")}
    order[CATEGORICAL_LABELS["breastfeeding"]] = list(_BREASTFEEDING.values())
    pattern = variables[CATEGORICAL_LABELS["symptom_pattern"]]
    counts = pattern.value_counts()
    order[CATEGORICAL_LABELS["symptom_pattern"]] = sorted(counts.index, key=lambda k: (-counts[k], k))
    return order


def cohort_table(patients: pd.DataFrame) -> pd.DataFrame:
    """A "Table 1" of the cohort built with ``tableone``.

    Rows are a two-level index (variable, statistic or level). Each continuous
    variable has two rows, "mean (SD)" (SD with n - 1) and "median [Q1, Q3]";
    each categorical variable has one row per level, "n (%)". The single
    column is headed "All patients (n = N)".
    """
    from tableone import TableOne

    variables = cohort_variables(patients)
    cont = list(CONTINUOUS_LABELS.values())
    cat = list(CATEGORICAL_LABELS.values())
    decimals = {CONTINUOUS_LABELS[c]: d for c, d in _DECIMALS.items()} | {c: 0 for c in cat}
    common = {"data": variables, "missing": False, "label_suffix": False, "decimals": decimals}
    with warnings.catch_warnings():
        # tableone 0.9 uses a pandas idiom that pandas 3 deprecates; the result is unaffected.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        normal = TableOne(**common, columns=cont + cat, continuous=cont, categorical=cat,
                          order=_category_order(variables)).tableone
        skewed = TableOne(**common, columns=cont, continuous=cont, categorical=[],
                          nonnormal=cont).tableone
    column = normal.columns[0]
    rows = []
    for label in cont:
        rows.append((label, "mean (SD)", normal.loc[(label, ""), column]))
        rows.append((label, "median [Q1, Q3]", skewed.loc[(label, ""), column]))
    for label in cat:
        for level, value in normal.loc[label, column].items():
            rows.append((label, f"{level}, n (%)", value))
    table = pd.DataFrame(rows, columns=["Variable", "Statistic", f"All patients (n = {len(variables)})"])
    return table.set_index(["Variable", "Statistic"])


def cohort_table_html(table: pd.DataFrame, caption: str) -> str:
    """Render a :func:`cohort_table` as an HTML table with ``caption`` (deterministic markup)."""
    styler = (
        table.style.set_caption(caption)
        .set_uuid("plro-cohort-table")
        .set_table_attributes('class="plro-table1"')
        .set_table_styles(
            [
                {"selector": "caption", "props": "caption-side: top; text-align: left; "
                                                 "font-weight: bold; padding-bottom: 0.5em;"},
                {"selector": "th", "props": "text-align: left; vertical-align: top;"},
                {"selector": "td", "props": "text-align: right;"},
            ]
        )
    )
    return styler.to_html()


def describe_continuous(values: pd.Series) -> dict[str, float]:
    """n, mean, SD (n - 1), median, quartiles, minimum and maximum of one numeric column."""
    x = values.dropna().astype(float)
    return {
        "n": int(x.size),
        "mean": float(x.mean()),
        "sd": float(x.std(ddof=1)),
        "median": float(x.median()),
        "q1": float(x.quantile(0.25)),
        "q3": float(x.quantile(0.75)),
        "min": float(x.min()),
        "max": float(x.max()),
    }


def computed_vs_reported(patients: pd.DataFrame) -> pd.DataFrame:
    """The paper's printed summary statistics beside the same statistics computed from Table I.

    One row per variable and statistic (mean, SD, median where the text prints
    one): ``variable`` (readable label), ``statistic``, ``reported_in_text``,
    ``computed_from_table_i`` and ``difference`` (computed minus reported).
    """
    rows = []
    for col, reported in REPORTED_IN_TEXT.items():
        computed = describe_continuous(patients[col])
        for stat in ("mean", "sd", "median"):
            if reported[stat] is None:
                continue
            rows.append(
                {
                    "variable": CONTINUOUS_LABELS[col],
                    "statistic": "SD" if stat == "sd" else stat,
                    "reported_in_text": reported[stat],
                    "computed_from_table_i": round(computed[stat], 2),
                }
            )
    table = pd.DataFrame(rows)
    return table.assign(
        difference=(table["computed_from_table_i"] - table["reported_in_text"]).round(2)
    )


def plot_symptoms(patients: pd.DataFrame) -> plt.Figure:
    """Two panels: patients per symptom pattern, and patients naming each body region."""
    pattern = symptom_pattern(patients).value_counts()
    pattern = pattern.loc[sorted(pattern.index, key=lambda k: (-pattern[k], k))]
    regions = (
        symptom_regions(patients)
        .groupby("region", observed=False)["present"].sum()
        .reindex(list(REGIONS))
    )
    fig, (ax_pat, ax_reg) = plt.subplots(1, 2, figsize=WIDE_FIGSIZE)
    ax_pat.barh(pattern.index[::-1], pattern.values[::-1], color=COLOURS["primary"])
    ax_pat.set(xlabel="Patients (n)", ylabel="Symptom pattern (Table I)",
               title="Presenting pattern")
    ax_reg.barh([r.capitalize() for r in REGIONS][::-1], regions.values[::-1],
                color=COLOURS["secondary"])
    ax_reg.set(xlabel="Patients naming the region (n)", ylabel="Body region",
               title="Painful regions")
    n = len(patients)
    for ax in (ax_pat, ax_reg):
        ax.set_xlim(0, n)
        ax.xaxis.set_major_locator(plt.MultipleLocator(2))
        ax.grid(axis="y", visible=False)
        for bar in ax.patches:
            ax.annotate(f"{bar.get_width():.0f}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center")
    return fig


def plot_postpartum_weeks(patients: pd.DataFrame, reported_mean: float | None = None) -> plt.Figure:
    """One dot per patient at the week after delivery of diagnosis, with median and mean lines.

    A solid line marks the median and a dashed line the mean computed from
    Table I; if ``reported_mean`` is given, a dotted line marks it too.
    """
    data = patients.assign(
        patient=patients["patient_id"].map(patient_label),
        weeks=patients["postpartum_week_at_diagnosis"].astype(float),
    ).sort_values("patient_id", ascending=False)
    stats = describe_continuous(data["weeks"])
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.scatter(data["weeks"], data["patient"], s=60, color=COLOURS["primary"], zorder=3,
               label="One patient")
    ax.axvline(stats["median"], color=COLOURS["threshold"], linestyle="-",
               label=f"Median, computed ({stats['median']:g} weeks)")
    ax.axvline(stats["mean"], color=COLOURS["warning"], linestyle="--",
               label=f"Mean, computed ({stats['mean']:.1f} weeks)")
    if reported_mean is not None:
        ax.axvline(reported_mean, color=COLOURS["muted"], linestyle=":", linewidth=2,
                   label=f"Mean, paper's text ({reported_mean:g} weeks)")
    ax.set(xlabel="Time of diagnosis after delivery (weeks)", ylabel="Patient",
           xlim=(0, max(26.0, stats["max"] + 2)))
    ax.xaxis.set_major_locator(plt.MultipleLocator(2))
    ax.legend(loc="lower right")
    return fig


def plot_t_scores(patients: pd.DataFrame) -> plt.Figure:
    """The three T-scores of every patient by site, coloured by WHO category, with -1 and -2.5 lines."""
    long = t_scores_long(patients)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    sns.swarmplot(data=long, x="site", y="t_score", hue="who_category", palette=WHO_COLOURS,
                  hue_order=list(WHO_COLOURS), size=8, ax=ax)
    for value in (WHO_NORMAL_MIN, WHO_OSTEOPOROSIS_MAX):
        ax.axhline(value, color=COLOURS["threshold"], linestyle="--", linewidth=1, zorder=1)
        ax.annotate(f"WHO threshold {value:g}", (1.5, value), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9)
    ax.set(xlabel="DXA site", ylabel="T-score (SD from young-adult mean)", ylim=(-4.0, 0.0))
    ax.set_xticks(range(len(T_SCORE_SITES)), list(T_SCORE_SITES.values()))
    ax.legend(title="WHO category", loc="upper left", ncols=3)
    return fig
