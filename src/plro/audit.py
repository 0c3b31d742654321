"""Recompute the paper's numbers from its own tables and compare them.

``data/reported_statistics.csv`` lists every number the paper states in its
text (one row per claim). For each claim marked ``derivable == "yes"`` the
column ``recompute`` names a function in :data:`RECOMPUTE` that rebuilds the
number from ``patients.csv``, ``visits.csv``, ``lab_flags.csv`` and
``imaging_findings.csv`` (or, for two literature numbers, from the printed
reference list in ``book/references.bib``). :func:`audit_table` puts the two
side by side.

Rounding rule
    A number printed with *k* decimals matches when the recomputed value,
    rounded to *k* decimals half away from zero (``decimal.ROUND_HALF_UP``),
    equals it. All arithmetic is done in :class:`decimal.Decimal` on the
    values as printed, so no binary floating-point error can tip a rounding.

Standard deviations
    A printed SD is compared with both conventions: the sample SD (divisor
    n - 1) and the population SD (divisor n). ``sd_convention`` says which of
    them reproduces it: ``"n-1"``, ``"n"``, ``"n-1 and n"`` or ``"neither"``.

Typical use::

    from plro.audit import audit_table
    audit = audit_table()
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, getcontext
from pathlib import Path

import pandas as pd

from plro.cohort import parse_symptom_regions
from plro.data import (
    DEFAULT_DATA_DIR,
    load_lab_flags,
    load_table,
    load_visits,
    validate_package,
)
from plro.labs import REFERENCE_INTERVALS
from plro.outcomes import vas_wide
from plro.workup import VERTEBRAL_LEVELS, flag_summary, flag_table, labs_long

__all__ = [
    "STATUSES",
    "Recomputed",
    "RECOMPUTE",
    "REFERENCES_BIB",
    "CONSISTENCY_STATEMENTS",
    "JBI_CHECKLIST",
    "round_half_away",
    "rounds_to",
    "mean_sd",
    "median",
    "sd_convention",
    "grim_consistent",
    "load_tables",
    "subset_tables",
    "load_reported_statistics",
    "audit_table",
    "audit_counts",
    "reference_list",
    "duplicate_references",
    "consistency_table",
    "lab_interval_check",
    "calcium_in_carbonate_mg",
    "subsets_reproducing",
    "SUMMARY_CLAIMS",
    "n_subsets",
    "subset_search",
    "common_subsets",
    "subset_label",
    "jbi_table",
    "plot_relative_differences",
]

getcontext().prec = 28

STATUSES = ("matches", "differs", "not derivable from the tables")
"""The three possible values of ``audit_table()["status"]``."""

REFERENCES_BIB = DEFAULT_DATA_DIR.parent / "book" / "references.bib"
"""The paper's reference list, as printed, in BibTeX."""


# --------------------------------------------------------------------- numbers
def _dec(value) -> Decimal:
    """A Decimal from an int, a float (via its shortest repr), a string or a Decimal."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_half_away(value, decimals: int) -> Decimal:
    """Round ``value`` to ``decimals`` places, halves away from zero (2.45 -> 2.5, -2.45 -> -2.5)."""
    return _dec(value).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def rounds_to(recomputed, reported, decimals: int) -> bool:
    """True when ``recomputed`` rounded to ``decimals`` places equals ``reported``."""
    if recomputed is None:
        return False
    return round_half_away(recomputed, decimals) == round_half_away(reported, decimals)


def mean_sd(values: Iterable) -> tuple[Decimal, Decimal | None, Decimal]:
    """Mean, sample SD (divisor n - 1; ``None`` when n < 2) and population SD (divisor n)."""
    xs = [_dec(v) for v in values]
    if not xs:
        raise ValueError("mean_sd needs at least one value")
    n = len(xs)
    mean = sum(xs) / n
    ss = sum((x - mean) ** 2 for x in xs)
    sd_n = (ss / n).sqrt()
    sd_n1 = (ss / (n - 1)).sqrt() if n > 1 else None
    return mean, sd_n1, sd_n


def median(values: Iterable) -> Decimal:
    """The median (mean of the two middle values when n is even)."""
    xs = sorted(_dec(v) for v in values)
    if not xs:
        raise ValueError("median needs at least one value")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def sd_convention(sd_n1, sd_n, reported_sd, decimals: int) -> str:
    """Which SD convention reproduces ``reported_sd``: 'n-1', 'n', 'n-1 and n' or 'neither'."""
    ok_n1 = sd_n1 is not None and rounds_to(sd_n1, reported_sd, decimals)
    ok_n = sd_n is not None and rounds_to(sd_n, reported_sd, decimals)
    return {(True, True): "n-1 and n", (True, False): "n-1", (False, True): "n"}.get(
        (ok_n1, ok_n), "neither"
    )


def grim_consistent(mean, decimals: int, n: int, data_decimals: int = 0) -> bool:
    """GRIM test: can n values recorded with ``data_decimals`` places have this printed mean?

    With whole-number data (ages, weeks) every possible mean is a multiple of
    1/n; the printed mean is consistent when some multiple rounds to it.
    """
    grain = Decimal(1).scaleb(-data_decimals) / n
    target = _dec(mean)
    centre = int((target / grain).to_integral_value())
    return any(rounds_to(k * grain, target, decimals) for k in range(centre - 2, centre + 3))


# --------------------------------------------------------------------- tables
def load_tables(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The data tables (including reported_statistics) plus the reference list, keyed by name.

    The package is validated once (:func:`plro.data.validate_package`), then
    each resource is read with the same typing rules as :func:`plro.data.load_table`.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    validate_package(data_dir)
    names = ["patients", "visits", "lab_flags", "imaging_findings", "reported_statistics"]
    tables = {name: load_table(name, data_dir) for name in names}
    tables["references"] = reference_list()
    return tables


def subset_tables(tables: dict[str, pd.DataFrame], patient_ids: Iterable[int]) -> dict:
    """The same tables restricted to some patients (the reference list is kept whole)."""
    keep = set(int(i) for i in patient_ids)
    return {
        name: frame if "patient_id" not in frame else frame[frame["patient_id"].isin(keep)]
        for name, frame in tables.items()
    }


def load_reported_statistics(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``reported_statistics.csv`` as a typed DataFrame (validated with the whole package)."""
    return load_table("reported_statistics", data_dir)


# ------------------------------------------------------------- recomputations
@dataclass(frozen=True)
class Recomputed:
    """One recomputed number, with the SDs and the members behind it when relevant."""

    value: Decimal | None
    sd_n1: Decimal | None = None
    sd_n: Decimal | None = None
    patient_ids: tuple[int, ...] | None = None
    levels: tuple[str, ...] | None = None
    n: int | None = None
    detail: str = ""


def _ids(frame: pd.DataFrame) -> tuple[int, ...]:
    return tuple(sorted(int(i) for i in frame["patient_id"].unique()))


def _count(mask_frame: pd.DataFrame, total: int | None = None, percent: bool = False) -> Recomputed:
    ids = _ids(mask_frame)
    value = Decimal(len(ids))
    if percent:
        value = 100 * value / total
    return Recomputed(value, patient_ids=ids, n=total)


def _summary(values: pd.Series) -> Recomputed:
    vals = [str(v) for v in values.dropna()]
    mean, sd_n1, sd_n = mean_sd(vals)
    return Recomputed(mean, sd_n1, sd_n, n=len(vals))


def _symptom(match: Callable[[set[str]], bool], percent: bool):
    """Count patients whose body regions (read by :func:`plro.cohort.parse_symptom_regions`) match."""
    def recompute(t):
        p = t["patients"]
        regions = p["symptoms"].map(lambda text: set(parse_symptom_regions(text)))
        return _count(p[regions.map(match).astype(bool)], len(p), percent)

    return recompute


def _levels(frame: pd.DataFrame) -> Recomputed:
    levels = tuple(sorted(frame["site"].astype(str), key=VERTEBRAL_LEVELS.index))
    return Recomputed(Decimal(len(levels)), patient_ids=_ids(frame), levels=levels)


def _only_patient(frame: pd.DataFrame) -> Recomputed:
    ids = _ids(frame)
    return Recomputed(Decimal(ids[0]) if len(ids) == 1 else None, patient_ids=ids)


def _visit_for_all(month: int):
    def recompute(t):
        v, p = t["visits"], t["patients"]
        seen = v.loc[(v["month"] == month) & v["vas"].notna()]
        every = set(_ids(seen)) == set(_ids(p))
        return Recomputed(Decimal(month) if every else None, patient_ids=_ids(seen))

    return recompute


def _relief_month_1(t):
    wide = vas_wide(t["visits"])  # patients x months 0, 1, 3, 6
    return _count(wide[wide[1] < wide[0]].reset_index())


def _reference_number(number: int, what: str):
    def recompute(t):
        ref = t["references"].set_index("number").loc[number]
        if what == "year":
            return Recomputed(Decimal(int(ref["year"])), detail=ref["key"])
        found = re.search(r"(\d+) patients", ref["title"])
        return Recomputed(Decimal(found.group(1)) if found else None, detail=ref["key"])

    return recompute


def _site(t, site):
    f = t["imaging_findings"]
    return f[f["site"] == site]


RECOMPUTE: dict[str, Callable[[dict], Recomputed]] = {
    "n_patients": lambda t: Recomputed(Decimal(len(t["patients"])), n=len(t["patients"])),
    "age_mean": lambda t: _summary(t["patients"]["age_years"]),
    "age_median": lambda t: Recomputed(median(t["patients"]["age_years"].astype(str))),
    "onset_min": lambda t: Recomputed(_dec(int(t["patients"]["postpartum_week_at_diagnosis"].min()))),
    "onset_max": lambda t: Recomputed(_dec(int(t["patients"]["postpartum_week_at_diagnosis"].max()))),
    "onset_mean": lambda t: _summary(t["patients"]["postpartum_week_at_diagnosis"]),
    "onset_median": lambda t: Recomputed(
        median(t["patients"]["postpartum_week_at_diagnosis"].astype(str))
    ),
    "twin_patients": lambda t: _count(t["patients"][t["patients"]["twin_pregnancy"]]),
    "smokers": lambda t: _count(t["patients"][t["patients"]["smoking"]]),
    "breastfeeding_continued": lambda t: _count(
        t["patients"][t["patients"]["breastfeeding"] == "continued"]
    ),
    "supplemented_patients": lambda t: _count(t["patients"][t["patients"]["vitamin_d_calcium"]]),
    "bisphosphonate_patients": lambda t: _count(t["patients"][t["patients"]["bisphosphonate"]]),
    "vertebroplasty_patients": lambda t: _count(t["patients"][t["patients"]["vertebroplasty"]]),
    "vertebroplasty_patient_id": lambda t: _only_patient(
        t["patients"][t["patients"]["vertebroplasty"]]
    ),
    "symptom_back_and_low_back_pain_percent": _symptom(lambda r: r == {"back", "low back"}, True),
    "symptom_back_and_low_back_pain_count": _symptom(lambda r: r == {"back", "low back"}, False),
    "symptom_hip_and_low_back_pain_percent": _symptom(lambda r: r == {"hip", "low back"}, True),
    "symptom_hip_and_low_back_pain_count": _symptom(lambda r: r == {"hip", "low back"}, False),
    "symptom_hip_and_ankle_pain_percent": _symptom(lambda r: r == {"hip", "ankle"}, True),
    "symptom_hip_and_ankle_pain_count": _symptom(lambda r: r == {"hip", "ankle"}, False),
    "symptom_hip_and_inguinal_pain_percent": _symptom(lambda r: r == {"hip", "inguinal"}, True),
    "symptom_hip_and_inguinal_pain_count": _symptom(lambda r: r == {"hip", "inguinal"}, False),
    "symptom_low_back_pain_only_percent": _symptom(lambda r: r == {"low back"}, True),
    "symptom_low_back_pain_only_count": _symptom(lambda r: r == {"low back"}, False),
    "symptom_any_low_back_pain_percent": _symptom(lambda r: "low back" in r, True),
    "vas_baseline_mean": lambda t: _summary(
        t["visits"].loc[t["visits"]["visit"] == "baseline", "vas"]
    ),
    "relief_month_1": _relief_month_1,
    "spinal_involvement_patients": lambda t: _count(
        t["imaging_findings"][
            t["imaging_findings"]["region"].isin(["thoracic_spine", "lumbar_spine"])
        ]
    ),
    "sacroiliac_patients": lambda t: _count(_site(t, "sacroiliac_joint")),
    "femoral_neck_patients": lambda t: _count(_site(t, "femoral_neck")),
    "sacroiliac_patient_id": lambda t: _only_patient(_site(t, "sacroiliac_joint")),
    "femoral_neck_patient_id": lambda t: _only_patient(_site(t, "femoral_neck")),
    "talus_patient_id": lambda t: _only_patient(_site(t, "talus")),
    "talus_with_low_back_pain": lambda t: _count(
        t["patients"][
            t["patients"]["patient_id"].isin(_site(t, "talus")["patient_id"])
            & t["patients"]["symptoms"].str.lower().str.contains("low back pain")
        ]
    ),
    "t_score_l1_l4_mean": lambda t: _summary(t["patients"]["t_score_l1_l4"]),
    "t_score_l2_l4_mean": lambda t: _summary(t["patients"]["t_score_l2_l4"]),
    "t_score_femoral_neck_mean": lambda t: _summary(t["patients"]["t_score_femoral_neck"]),
    "bmd_patients": lambda t: _count(
        t["patients"].dropna(subset=["t_score_l1_l4", "t_score_l2_l4", "t_score_femoral_neck"])
    ),
    "vertebroplasty_levels": lambda t: _levels(
        t["imaging_findings"][t["imaging_findings"]["finding"] == "vertebroplasty"]
    ),
    "vertebroplasty_vas_month_1": lambda t: Recomputed(
        _dec(
            int(
                t["visits"]
                .merge(t["patients"].loc[t["patients"]["vertebroplasty"], ["patient_id"]])
                .query("visit == 'month_1'")["vas"]
                .iloc[0]
            )
        )
    ),
    "fracture_levels_patient_8": lambda t: _levels(
        t["imaging_findings"].query("patient_id == 8 and finding == 'compression_fracture'")
    ),
    "fracture_levels_patient_10": lambda t: _levels(
        t["imaging_findings"].query("patient_id == 10 and finding == 'compression_fracture'")
    ),
    "last_visit_month": lambda t: Recomputed(_dec(int(t["visits"]["month"].max()))),
    "visit_month_1_all": _visit_for_all(1),
    "visit_month_3_all": _visit_for_all(3),
    "visit_month_6_all": _visit_for_all(6),
    "calcium_flags": lambda t: Recomputed(
        Decimal(int((t["lab_flags"]["analyte"] == "calcium_mg_dl").sum())),
        patient_ids=_ids(t["lab_flags"][t["lab_flags"]["analyte"] == "calcium_mg_dl"]),
    ),
    "reference_year_20": _reference_number(20, "year"),
    "reference_cohort_size_9": _reference_number(9, "cohort"),
}
"""Recomputation functions, keyed by the ``recompute`` column of reported_statistics.csv.

Each takes the dict returned by :func:`load_tables` and returns a :class:`Recomputed`."""


# ---------------------------------------------------------------- the audit
def _split(cell) -> tuple[str, ...] | None:
    if cell is None or pd.isna(cell) or str(cell) == "":
        return None
    return tuple(str(cell).split(";"))


def _reported_text(row) -> str:
    printed = str(row["value_as_printed"])
    if not re.fullmatch(r"-?\d+(\.\d+)?", printed):
        return f"'{printed}' = {float(row['reported_value']):g} {row['unit']}"
    if not pd.isna(row["reported_sd"]):
        printed += f" ± {float(row['reported_sd']):.{int(row['reported_sd_decimals'])}f}"
    return f"{printed} {row['unit']}"


def _recomputed_text(rec: Recomputed | None, row) -> str:
    if rec is None:
        return ""
    if rec.value is None:
        return "no single value"
    text = f"{round_half_away(rec.value, 3).normalize():f}"
    if not pd.isna(row["reported_sd"]):
        sd_dec = int(row["reported_sd_decimals"]) + 1
        n1 = "" if rec.sd_n1 is None else round_half_away(rec.sd_n1, sd_dec)
        text += f" ± {n1} (n-1) / {round_half_away(rec.sd_n, sd_dec)} (n)"
    if rec.levels is not None:
        text += f" [{', '.join(rec.levels)}]"
    elif rec.patient_ids is not None and _split(row["patient_ids"]) is not None:
        text += f" [patients {', '.join(str(i) for i in rec.patient_ids)}]"
    return text


def _compare(row, rec: Recomputed) -> dict:
    reported = _dec(float(row["reported_value"]))
    decimals = int(row["reported_decimals"])
    value_ok = rounds_to(rec.value, reported, decimals)
    problems = [] if value_ok else ["value"]
    convention = ""
    if not pd.isna(row["reported_sd"]):
        convention = sd_convention(
            rec.sd_n1, rec.sd_n, _dec(float(row["reported_sd"])), int(row["reported_sd_decimals"])
        )
        if convention == "neither":
            problems.append("SD")
    printed_ids = _split(row["patient_ids"])
    if printed_ids is not None and rec.patient_ids is not None:
        if tuple(sorted(int(i) for i in printed_ids)) != rec.patient_ids:
            problems.append("patients")
    printed_levels = _split(row["vertebral_levels"])
    if printed_levels is not None and rec.levels is not None:
        if sorted(printed_levels) != sorted(rec.levels):
            problems.append("levels")
    diff = None if rec.value is None else float(rec.value - reported)
    rel = None
    if diff is not None and reported != 0:
        rel = 100 * diff / abs(float(reported))
    return {
        "status": "matches" if not problems else "differs",
        "what_differs": ", ".join(problems),
        "sd_convention": convention,
        "difference": diff,
        "relative_difference_pct": rel,
    }


def audit_table(
    tables: dict[str, pd.DataFrame] | None = None, claims: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The side-by-side audit: one row per claim of ``reported_statistics.csv``.

    Columns: ``claim_id``, ``section``, ``claim`` (the quoted phrase),
    ``quantity``, ``reported`` (as printed, with SD and unit),
    ``reported_value``, ``recomputed`` (float; empty when not derivable),
    ``recomputed_sd_n1``, ``recomputed_sd_n``, ``recomputed_text``,
    ``status`` (one of :data:`STATUSES`), ``what_differs`` (value, SD,
    patients, levels), ``sd_convention``, ``difference`` (recomputed -
    reported), ``relative_difference_pct`` (difference as % of the reported
    value's magnitude; empty when the reported value is 0) and ``basis``.
    Pass ``tables`` (e.g. from :func:`subset_tables`) to audit other data.
    """
    tables = load_tables() if tables is None else tables
    claims = tables.get("reported_statistics") if claims is None else claims
    claims = load_reported_statistics() if claims is None else claims
    rows = []
    for _, row in claims.iterrows():
        out = {
            "claim_id": str(row["claim_id"]),
            "section": str(row["section"]),
            "claim": str(row["quote"]),
            "quantity": str(row["quantity"]),
            "reported": _reported_text(row),
            "reported_value": float(row["reported_value"]),
        }
        rec = None
        if row["derivable"] == "yes":
            rec = RECOMPUTE[str(row["recompute"])](tables)
            out.update(_compare(row, rec))
        else:
            out.update(status=STATUSES[2], what_differs="", sd_convention="",
                       difference=None, relative_difference_pct=None)
        out["recomputed"] = None if rec is None or rec.value is None else float(rec.value)
        out["recomputed_sd_n1"] = None if rec is None or rec.sd_n1 is None else float(rec.sd_n1)
        out["recomputed_sd_n"] = None if rec is None or rec.sd_n is None else float(rec.sd_n)
        out["recomputed_text"] = _recomputed_text(rec, row)
        out["basis"] = str(row["recompute_basis"])
        rows.append(out)
    frame = pd.DataFrame(rows)
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES))
    for col in ["recomputed", "recomputed_sd_n1", "recomputed_sd_n", "difference",
                "relative_difference_pct"]:
        frame[col] = frame[col].astype("Float64")
    return frame


def audit_counts(audit: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per section and status (sections in paper order, a Total row)."""
    counts = pd.crosstab(audit["section"], audit["status"]).reindex(
        columns=list(STATUSES), fill_value=0
    )
    order = list(dict.fromkeys(audit["section"]))
    counts = counts.reindex(order)
    counts.loc["Total"] = counts.sum()
    counts["claims"] = counts.sum(axis=1)
    return counts.rename_axis(index="section", columns=None)


# ------------------------------------------------------------ reference list
def reference_list(path: str | Path = REFERENCES_BIB) -> pd.DataFrame:
    """The paper's reference list from ``references.bib``: number, key, authors, title, journal, year.

    Only entries whose note says "Reference N of the case series" are kept,
    sorted by N.
    """
    text = Path(path).read_text(encoding="utf-8")
    rows = []
    for entry in re.split(r"\n(?=@)", text):
        head = re.match(r"@\w+\{([^,]+),", entry.strip())
        note = re.search(r"note\s*=\s*\{Reference (\d+) of the case series", entry)
        if not head or not note:
            continue

        def get(name, entry=entry):
            found = re.search(rf"\b{name}\s*=\s*\{{(.*?)\}},?\s*\n", entry, flags=re.S)
            return re.sub(r"[{}]", "", found.group(1)).strip() if found else ""

        rows.append({
            "number": int(note.group(1)), "key": head.group(1), "author": get("author"),
            "title": get("title"), "journal": get("journal"), "volume": get("volume"),
            "pages": get("pages"), "year": int(get("year")),
        })
    return pd.DataFrame(rows).sort_values("number", ignore_index=True)


def duplicate_references(refs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Groups of reference numbers whose author, title, journal, volume, pages and year coincide."""
    refs = reference_list() if refs is None else refs
    cols = ["author", "title", "journal", "volume", "pages", "year"]
    dup = refs[refs.duplicated(cols, keep=False)]
    return (
        dup.groupby(cols, sort=False)["number"]
        .agg(lambda s: ", ".join(str(n) for n in s))
        .reset_index()
        .rename(columns={"number": "reference_numbers"})
        [["reference_numbers", "author", "title", "journal", "year"]]
    )


# ------------------------------------------------------- internal consistency
@dataclass(frozen=True)
class Statement:
    """A statement the paper makes, quoted, with where it is printed."""

    section: str
    quote: str


CONSISTENCY_STATEMENTS: dict[str, list[Statement]] = {
    "Smokers": [
        Statement("case_series", "Four patients (Patients 5, 6, 8, and 10) had history of smoking"),
        Statement("discussion", "Only three patients in the present series had history of smoking"),
    ],
    "Vitamin D dose": [
        Statement("management", "vitamin D 1000 IU orally"),
        Statement("discussion", "vitamin D3 880 IU orally once a day"),
    ],
    "Calcium dose": [
        Statement("management", "calcium carbonate (1000 mg calcium ion) 250 mg orally daily"),
        Statement("discussion", "calcium 1000 mg orally once a day"),
    ],
    "Analgesics": [
        Statement("management", "diclofenac potassium 50 mg orally twice a day, and paracetamol "
                                "500 mg orally thrice a day"),
        Statement("discussion", "diclofenac potassium 50 mg orally twice a day, and paracetamol "
                                "500 mg orally thrice a day"),
    ],
    "Breast-feeding": [
        Statement("management", "Two patients (patient 8 and 10) did not discontinue breast-feeding"),
        Statement("discussion", "Patients discontinued breast-feeding as soon as they were "
                                "diagnosed with PLRO"),
    ],
    "Talus patient": [
        Statement("case_series", "A patient suffering from low back pain also had severe pain and "
                                 "limited range of motion in her ankle"),
        Statement("figure_captions", "Edema and stress fracture in the talus of patient no 3"),
    ],
    "Figure patients": [
        Statement("figure_captions", "Right-sided sacroiliac joint involvement of patient no 9"),
        Statement("figure_captions", "Bilateral femoral neck involvement of patient no 6"),
    ],
    "Vertebroplasty levels": [
        Statement("management", "compression fractures at T6, T10, and T11 vertebrae"),
        Statement("discussion", "Only one patient required three-level vertebroplasty"),
    ],
    "Spinal involvement": [
        Statement("case_series", "MRI revealed spinal involvement in seven patients"),
        Statement("table_ii", "T9, T10, T12 acute compressions"),
    ],
    "Serum calcium": [
        Statement("case_series", "Her laboratory work-up showed mild hypercalcemia"),
        Statement("discussion", "Serum calcium levels were reported to be remained within normal "
                                "limits"),
    ],
    "Bone density timing": [
        Statement("discussion", "Bone density was measured annually"),
        Statement("discussion", "Bone mineral density measurements were presented for the first "
                                "six months' follow-up"),
    ],
    "Spelling of the abbreviation": [
        Statement("abstract", "PRLO: Pregnancy- and lactation-related osteoporosis"),
        Statement("abstract", "Pregnancy- and lactation-related osteoporosis (PLRO)"),
    ],
}
"""Facts the paper states twice, quoted (section, phrase) for :func:`consistency_table`."""


def calcium_in_carbonate_mg(carbonate_mg: float) -> float:
    """Elemental calcium in a dose of calcium carbonate (CaCO3 is 40.078 / 100.086 calcium by mass)."""
    return carbonate_mg * 40.078 / 100.086


def _ids_text(ids) -> str:
    return ", ".join(str(i) for i in ids) if len(ids) else "none"


def consistency_table(tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Where the paper states a fact twice: the two statements and what the tables say.

    Columns: ``topic``, ``first statement``, ``second statement``,
    ``statements agree`` (yes/no), ``the tables say`` (computed from the
    data) and ``tables agree with`` (which statement(s) the tables support,
    or that the tables do not record the fact).
    """
    t = load_tables() if tables is None else tables
    p, f, v = t["patients"], t["imaging_findings"], t["visits"]
    smokers = _ids(p[p["smoking"]])
    bf = {k: _ids(p[p["breastfeeding"] == k]) for k in ["discontinued", "continued", "not_stated"]}
    talus = _ids(f[f["site"] == "talus"])
    talus_symptoms = "; ".join(p.loc[p["patient_id"].isin(talus), "symptoms"].astype(str))
    vp_levels = RECOMPUTE["vertebroplasty_levels"](t).levels
    spinal = _ids(f[f["region"].isin(["thoracic_spine", "lumbar_spine"])])
    back_pain = _ids(p[p["symptoms"].str.lower().str.contains("back pain")])
    ca_flags = t["lab_flags"][t["lab_flags"]["analyte"] == "calcium_mg_dl"]
    ca_p3 = v.query("patient_id == 3 and visit == 'baseline'")["calcium_mg_dl"].iloc[0]
    fig = {s: _ids(f[f["site"] == s]) for s in ["sacroiliac_joint", "femoral_neck"]}
    n_supp = int(p["vitamin_d_calcium"].sum())
    rows = [
        ("Smokers", "no", f"{len(smokers)} smokers (patients {_ids_text(smokers)})", "first"),
        ("Vitamin D dose", "no",
         f"{n_supp} of {len(p)} given 'Vitamin D and Calcium'; no dose recorded", "not recorded"),
        ("Calcium dose", "unclear",
         f"250 mg calcium carbonate holds about {calcium_in_carbonate_mg(250):.0f} mg calcium, "
         f"not 1000 mg; no dose recorded in Table I", "not recorded"),
        ("Analgesics", "yes", "analgesics not recorded", "not recorded"),
        ("Breast-feeding", "no",
         f"discontinued: {_ids_text(bf['discontinued'])}; continued: "
         f"{_ids_text(bf['continued'])}; neither stated: {_ids_text(bf['not_stated'])}", "first"),
        ("Talus patient", "no",
         f"talus finding for patient {_ids_text(talus)}, whose Table I symptoms are "
         f"'{talus_symptoms}' (no low back pain)", "second"),
        ("Figure patients", "yes",
         f"sacroiliac joint: patient {_ids_text(fig['sacroiliac_joint'])}; femoral necks: "
         f"patient {_ids_text(fig['femoral_neck'])}", "both"),
        ("Vertebroplasty levels", "yes",
         f"Tables I and II: {', '.join(vp_levels)} ({len(vp_levels)} levels, patient 4)", "both"),
        ("Spinal involvement", "no",
         f"vertebral levels named for {len(spinal)} patients ({_ids_text(spinal)}); back pain "
         f"in {len(back_pain)} ({_ids_text(back_pain)})", "neither"),
        ("Serum calcium", "no",
         f"{len(ca_flags)} calcium arrows ({(ca_flags['flag'] == 'low').sum()} low, "
         f"{(ca_flags['flag'] == 'high').sum()} high); patient 3 baseline {ca_p3} mg/dL", "first"),
        ("Bone density timing", "no",
         f"one undated set of three T-scores per patient ({len(p)} patients)", "neither"),
        ("Spelling of the abbreviation", "no",
         "the tables use neither; every other use in the text is PLRO", "second"),
    ]
    out = []
    for topic, agree, tables_say, support in rows:
        first, second = CONSISTENCY_STATEMENTS[topic]
        out.append({
            "topic": topic,
            "first statement": f"{first.section}: '{first.quote}'",
            "second statement": f"{second.section}: '{second.quote}'",
            "statements agree": agree,
            "the tables say": tables_say,
            "tables agree with": support,
        })
    return pd.DataFrame(out)


# ------------------------------------------------------------------ lab values
def lab_interval_check(
    visits: pd.DataFrame | None = None, flags: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per analyte: values outside the illustrative intervals of plro.labs, and the paper's arrows.

    A per-analyte summary of :func:`plro.workup.flag_table`. Columns: analyte,
    unit as printed, interval, values, min, max, below, above, arrows (the
    paper's flags on reported values), outside, no arrow, and arrow, inside.
    """
    visits = load_visits() if visits is None else visits
    flags = load_lab_flags() if flags is None else flags
    values = labs_long(visits).groupby("analyte", observed=False)["value"]
    flagged = flag_table(visits, flags)
    side = pd.crosstab(flagged["analyte"], flagged["status"]).reindex(
        index=list(REFERENCE_INTERVALS), columns=["below", "above"], fill_value=0
    )
    agreement = flag_summary(flagged).reindex(
        columns=["outside, not flagged", "flagged, inside interval"], fill_value=0
    )
    return pd.DataFrame({
        "analyte": [ref.label for ref in REFERENCE_INTERVALS.values()],
        "unit": [ref.unit for ref in REFERENCE_INTERVALS.values()],
        "interval": [f"{ref.low:g}-{ref.high:g}" for ref in REFERENCE_INTERVALS.values()],
        "values": values.size().to_numpy(),
        "min": values.min().to_numpy(dtype=float),
        "max": values.max().to_numpy(dtype=float),
        "below": side["below"].to_numpy(),
        "above": side["above"].to_numpy(),
        "arrows": (flagged["paper_flag"] != "").groupby(flagged["analyte"], observed=False)
        .sum().reindex(list(REFERENCE_INTERVALS)).to_numpy(),
        "outside, no arrow": agreement["outside, not flagged"].to_numpy(),
        "arrow, inside": agreement["flagged, inside interval"].to_numpy(),
    })


# ------------------------------------------------------- possible explanations
def subsets_reproducing(
    values: dict[int, object], mean, decimals: int, sd=None, sd_decimals: int | None = None,
    min_size: int = 3,
) -> list[tuple[int, ...]]:
    """Patient subsets (as id tuples) whose mean (and SD, either convention) round to the printed ones.

    A search over every subset of at least ``min_size`` patients; with ten
    patients there are about a thousand. A hit shows only that such a subset
    exists, not that it was the one used.
    """
    hits = []
    ids = sorted(int(i) for i in values)
    values = {int(k): v for k, v in values.items()}
    for size in range(min_size, len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            m, s1, s0 = mean_sd(str(values[i]) for i in combo)
            if not rounds_to(m, mean, decimals):
                continue
            if sd is not None and sd_convention(s1, s0, sd, sd_decimals) == "neither":
                continue
            hits.append(combo)
    return hits


SUMMARY_CLAIMS: dict[str, tuple[str, str]] = {
    "cs_age_mean": ("patients", "age_years"),
    "cs_onset_mean": ("patients", "postpartum_week_at_diagnosis"),
    "cs_vas_mean": ("visits", "vas"),
    "cs_tscore_l1_l4_mean": ("patients", "t_score_l1_l4"),
    "cs_tscore_l2_l4_mean": ("patients", "t_score_l2_l4"),
    "cs_tscore_fn_mean": ("patients", "t_score_femoral_neck"),
}
"""The printed means with SDs, each with the table and column it summarises (VAS at baseline)."""


def n_subsets(n: int, min_size: int = 3) -> int:
    """How many subsets of at least ``min_size`` of ``n`` patients exist (what a full search tries)."""
    return sum(math.comb(n, k) for k in range(min_size, n + 1))


def _summary_values(tables: dict, claim_id: str) -> dict[int, object]:
    table, column = SUMMARY_CLAIMS[claim_id]
    frame = tables[table]
    if table == "visits":
        frame = frame[frame["visit"] == "baseline"]
    return {int(i): str(v) for i, v in zip(frame["patient_id"], frame[column]) if not pd.isna(v)}


def subset_search(tables: dict | None = None, min_size: int = 3) -> pd.DataFrame:
    """Search every patient subset for each printed mean ± SD of :data:`SUMMARY_CLAIMS`.

    One row per claim: ``claim_id``, ``reported`` (mean ± SD as printed),
    ``subsets searched``, ``subsets reproducing`` (mean and SD, either
    convention), ``all ten reproduce`` and ``patients 1-8 reproduce``
    (yes/no), and ``subsets`` (the reproducing subsets as id tuples). Searching
    this many subsets can produce chance matches: a hit shows that a subset
    *could* give the printed numbers, not that it did.
    """
    t = load_tables() if tables is None else tables
    claims = t["reported_statistics"].set_index("claim_id")
    rows = []
    for claim_id in SUMMARY_CLAIMS:
        c = claims.loc[claim_id]
        values = _summary_values(t, claim_id)
        hits = subsets_reproducing(
            values, _dec(str(c["value_as_printed"])), int(c["reported_decimals"]),
            _dec(float(c["reported_sd"])), int(c["reported_sd_decimals"]), min_size=min_size,
        )
        rows.append({
            "claim_id": claim_id,
            "reported": _reported_text(c),
            "subsets searched": n_subsets(len(values), min_size),
            "subsets reproducing": len(hits),
            "all ten reproduce": "yes" if tuple(sorted(values)) in hits else "no",
            "patients 1-8 reproduce": "yes" if tuple(range(1, 9)) in hits else "no",
            "subsets": tuple(hits),
        })
    return pd.DataFrame(rows)


def common_subsets(search: pd.DataFrame, claim_ids: Iterable[str]) -> list[tuple[int, ...]]:
    """The subsets (from :func:`subset_search`) that reproduce every one of ``claim_ids`` at once."""
    found = search.set_index("claim_id")["subsets"]
    sets = [set(found.loc[c]) for c in claim_ids]
    return sorted(set.intersection(*sets)) if sets else []


def subset_label(patient_ids: Iterable[int]) -> str:
    """A subset in words: 'patients 1–8' for a run of consecutive ids, else 'patients 1, 3, 4'."""
    ids = sorted(int(i) for i in patient_ids)
    if len(ids) > 2 and ids == list(range(ids[0], ids[-1] + 1)):
        return f"patients {ids[0]}–{ids[-1]}"
    return "patients " + ", ".join(str(i) for i in ids)


# ------------------------------------------------------------------ appraisal
@dataclass(frozen=True)
class ChecklistItem:
    """One item of the JBI critical appraisal checklist for case series."""

    number: int
    question: str
    answer: str
    reason: str
    better: str = field(default="")


JBI_CHECKLIST: list[ChecklistItem] = [
    ChecklistItem(
        1, "Were there clear criteria for inclusion in the case series?", "unclear",
        "Patients 'diagnosed with PLRO' at the clinics in 2010-2019 were included, but the "
        "diagnostic criteria (how late after delivery, which T-score or fracture) are not stated.",
        "State the case definition (time window after delivery, densitometric or fracture "
        "criteria) and the exclusions.",
    ),
    ChecklistItem(
        2, "Was the condition measured in a standard, reliable way for all participants?", "unclear",
        "DXA T-scores are given for all ten, but the scanner, the reference database and the "
        "date of each scan are not; the text says bone density was measured annually while "
        "Table I shows one undated set.",
        "Give the DXA device, reference population and the date of each scan relative to "
        "delivery.",
    ),
    ChecklistItem(
        3, "Were valid methods used for identification of the condition for all participants?",
        "unclear",
        "History, examination, laboratory work-up, MRI and DXA are listed, but how other causes "
        "of osteoporosis were excluded (which tests, which results) is not reported.",
        "Tabulate the secondary-cause work-up for each patient.",
    ),
    ChecklistItem(
        4, "Did the case series have consecutive inclusion of participants?", "yes",
        "The methods state that consecutive female patients diagnosed with PLRO at the "
        "clinics from 2010 to 2019 were retrieved from a retrospectively collected database. "
        "The answer rests on that statement: how the database was searched and how many "
        "patients were screened are not reported.",
        "Report how the records were searched, how many patients were screened and how many "
        "were excluded, and why.",
    ),
    ChecklistItem(
        5, "Did the case series have complete inclusion of participants?", "unclear",
        "No flow of patients is given, so it cannot be told whether every eligible patient "
        "was included.",
        "A flow diagram from records searched to patients included.",
    ),
    ChecklistItem(
        6, "Was there clear reporting of the demographics of the participants in the study?", "no",
        "Age is tabulated and parity, twins and smoking are given, but body mass index, "
        "nutrition and calcium intake, which the paper's own introduction lists as risk "
        "factors, are not reported, and the text's age summary (mean 29.75) does not match "
        "Table I.",
        "Tabulate parity, body mass index, diet and calcium intake, and compute the summaries "
        "from the table.",
    ),
    ChecklistItem(
        7, "Was there clear reporting of clinical information of the participants?", "unclear",
        "Symptoms, VAS, T-scores, laboratory values and management are tabulated for every "
        "patient, a strength of the report; but fracture levels are named for three of the "
        "seven patients said to have spinal involvement, doses differ between sections, the "
        "bisphosphonate is not named and the smoker counts disagree.",
        "Give for every patient the MRI findings, every drug with agent, dose and duration, "
        "and breast-feeding status with dates.",
    ),
    ChecklistItem(
        8, "Were the outcomes or follow-up results of cases clearly reported?", "unclear",
        "VAS is reported at 0, 1, 3 and 6 months for everyone, but 'pain control' is never "
        "defined, its times (2.4, 3.5 and 4 months) cannot be read from the visits, laboratory "
        "values are missing at many visits and follow-up bone density is not reported.",
        "Define each outcome in advance and report it at each visit, with repeat DXA.",
    ),
    ChecklistItem(
        9, "Was there clear reporting of the presenting site(s)/clinic(s) demographic information?",
        "unclear",
        "The clinics are named only as 'our outpatient clinics'; the referral pathway and "
        "population served are not described.",
        "Describe the clinics, the referral route and the population they serve.",
    ),
    ChecklistItem(
        10, "Was statistical analysis appropriate?", "no",
        "Descriptive statistics suit ten patients, but a 'no significant difference' between "
        "patients with and without bisphosphonates is reported with no test named, several "
        "summaries do not reproduce from the tables and the SD convention is not stated.",
        "Describe every summary from the tabulated data, name the SD convention, and avoid "
        "significance language without a stated test.",
    ),
]
"""The ten JBI case-series items, each answered yes / no / unclear with a reason from the paper."""


def jbi_table(items: list[ChecklistItem] | None = None) -> pd.DataFrame:
    """The JBI checklist as a DataFrame: item, question, answer, reason, what would help."""
    items = JBI_CHECKLIST if items is None else items
    return pd.DataFrame(
        [{"item": i.number, "question": i.question, "answer": i.answer, "reason": i.reason,
          "a better report would": i.better} for i in items]
    )


# ----------------------------------------------------------------- the figure
def plot_relative_differences(audit: pd.DataFrame, ax=None):
    """Dot plot of the relative difference (%) of every derivable claim.

    Each differing claim gets its own row, labelled with its claim_id (sorted
    from the most negative difference); all matching claims share the last
    row, on the zero line. Claims whose printed mean is right but whose SD is
    not sit at 0 with a hollow marker. Claims whose reported value is 0 (no
    relative difference exists) are named in the legend instead of plotted.
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from plro.theme import COLOURS, FIGSIZE

    derivable = audit[audit["status"] != STATUSES[2]]
    plotted = derivable.dropna(subset=["relative_difference_pct"])
    differs = plotted[plotted["status"] == "differs"].sort_values("relative_difference_pct")
    matches = plotted[plotted["status"] == "matches"]
    labels = list(differs["claim_id"]) + [f"all matching claims (n = {len(matches)})"]
    if ax is None:
        fig, ax = plt.subplots(figsize=FIGSIZE)
    else:
        fig = ax.figure
    ax.axvline(0, color=COLOURS["threshold"], linewidth=1, zorder=1, label="no difference")
    ax.scatter(matches["relative_difference_pct"].astype(float), [len(differs)] * len(matches),
               color=COLOURS["primary"], marker="o", s=40, zorder=3, label="matches")
    sd_only = differs["what_differs"] == "SD"
    for part, face, label in [(differs[~sd_only], COLOURS["warning"], "differs"),
                              (differs[sd_only], "white", "differs in its SD only")]:
        rows = [labels.index(c) for c in part["claim_id"]]
        ax.scatter(part["relative_difference_pct"].astype(float), rows, s=45, zorder=3,
                   marker="D", facecolor=face, edgecolor=COLOURS["warning"], linewidth=1.5,
                   label=label)
    undefined = derivable[derivable["relative_difference_pct"].isna()]
    if len(undefined):
        ax.scatter([], [], marker="", label="not plotted (reported 0): "
                   + ", ".join(undefined["claim_id"]))
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Relative difference, recomputed vs printed (% of the printed value)")
    ax.set_ylabel("Claim")
    ax.set_title("Recomputed vs printed value, per claim")
    ax.legend(loc="lower left", fontsize=8)
    return fig
