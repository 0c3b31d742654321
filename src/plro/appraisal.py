"""Reading the paper critically: the JBI checklist, facts it states twice, its reference list.

* :func:`jbi_table` is the book's appraisal of the series with the ten-item JBI
  checklist for case series, read from ``data/jbi_checklist.csv`` (the questions,
  answers and reasons are content, kept in that file);
* :func:`consistency_table` sets side by side the places where the paper states
  the same fact twice, each statement quoted from ``data/paper_statements.csv``,
  with what the transcribed tables say, computed from the data;
* :func:`duplicate_references` finds entries of the printed reference list that
  are the same work.

Typical use::

    from plro.appraisal import consistency_table, jbi_table
    jbi_table()
    consistency_table()
"""

from __future__ import annotations

import pandas as pd

from plro.data import load_all, load_table
from plro.imaging import VERTEBRAL_LEVELS
from plro.management import elemental_calcium_mg
from plro.paper import printed, references, statement

__all__ = ["CONSISTENCY_TOPICS", "jbi_table", "consistency_table", "duplicate_references"]

CONSISTENCY_TOPICS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    ("Smokers", ("cs_smokers",), ("disc_smokers_three",), "no", "first"),
    ("Vitamin D dose", ("mgmt_vitamin_d",), ("disc_vitamin_d",), "no", "not recorded"),
    ("Calcium dose", ("mgmt_calcium",), ("disc_calcium",), "unclear", "not recorded"),
    ("Analgesics", ("mgmt_diclofenac", "mgmt_paracetamol"), ("disc_diclofenac", "disc_paracetamol"),
     "yes", "not recorded"),
    ("Breast-feeding", ("mgmt_first_step", "mgmt_breastfeeding_exception"), ("disc_discontinued",),
     "no", "first"),
    ("Talus patient", ("cs_talus_patient",), ("fig3_caption",), "no", "second"),
    ("Figure patients", ("fig1_caption",), ("fig2_caption",), "yes", "both"),
    ("Vertebroplasty levels", ("mgmt_vertebroplasty",), ("disc_vertebroplasty",), "yes", "both"),
    ("Spinal involvement", ("cs_spinal_involvement",), ("tii_p8_fractures",), "unclear",
     "first, if each woman had one MRI site"),
    ("Serum calcium", ("cs_talus_labs",), ("disc_calcium_normal",), "no",
     "first (the second only at the later visits)"),
    ("Bone density timing", ("disc_bmd_annually",), ("disc_bmd_six_months",), "no", "neither"),
    ("Onset or diagnosis", ("cs_symptom_onset",), ("ti_time_of_diagnosis",), "unclear", "second"),
    ("First pain relief", ("disc_relief_3_weeks",), ("disc_follow_up",), "unclear", "neither"),
    ("Calcium in lactation", ("intro_calcium_critical",), ("disc_calcium_pointless",), "no",
     "not recorded"),
    ("Bed rest or exercise", ("mgmt_bed_rest",), ("disc_treatment_length",), "no", "not recorded"),
    ("Drugs and bone density", ("concl_bisphosphonates_teriparatide",), ("disc_laroche_conclusion",),
     "yes", "neither"),
    ("Spelling of the abbreviation", ("abs_prlo_abbreviation",), ("abs_plro_spelled",), "no", "second"),
)
"""Facts the paper states twice: (topic, first statement ids, second statement ids,
whether the two statements agree, which of them the tables support). Ids are rows of
``data/paper_statements.csv``; the two judgements are this book's."""


def jbi_table(checklist: pd.DataFrame | None = None) -> pd.DataFrame:
    """The JBI checklist as a table: item, question, answer, reason, what would help.

    ``checklist`` defaults to ``data/jbi_checklist.csv`` (validated with the data
    package); the column ``better_report`` is shown as "a better report would".
    """
    checklist = load_table("jbi_checklist") if checklist is None else checklist
    return (
        checklist.loc[:, ["item", "question", "answer", "reason", "better_report"]]
        .rename(columns={"better_report": "a better report would"})
        .astype({"item": int, "question": str, "answer": str, "reason": str,
                 "a better report would": str})
        .reset_index(drop=True)
    )


def _ids(frame: pd.DataFrame) -> tuple[int, ...]:
    return tuple(sorted(int(i) for i in frame["patient_id"].unique()))


def _ids_text(ids) -> str:
    return ", ".join(str(i) for i in ids) if len(ids) else "none"


def _quoted(statement_ids: tuple[str, ...], said_table: pd.DataFrame) -> str:
    said = [statement(s, table=said_table) for s in statement_ids]
    return f"{said[0].section}: " + " … ".join(f"'{s.quote}'" for s in said)


def _tables_say(t: dict) -> dict[str, str]:
    """What the tables say on each topic, computed from the data."""
    p, f, v, flags = t["patients"], t["imaging_findings"], t["visits"], t["lab_flags"]
    smokers = _ids(p[p["smoking"]])
    bf = {k: _ids(p[p["breastfeeding"] == k]) for k in ["discontinued", "continued", "not_stated"]}
    talus = _ids(f[f["site"] == "talus"])
    talus_symptoms = "; ".join(p.loc[p["patient_id"].isin(talus), "symptoms"].astype(str))
    vertebroplasty = f[f["finding"] == "vertebroplasty"]
    vp_levels = ", ".join(sorted(vertebroplasty["site"].astype(str), key=VERTEBRAL_LEVELS.index))
    spine = ["thoracic_spine", "lumbar_spine"]
    spinal = _ids(f[f["region"].isin(spine)])
    back_pain = _ids(p[p["symptoms"].str.lower().str.contains("back pain")])
    elsewhere = _ids(f[~f["region"].isin(spine)])
    one_site = [i for i in back_pain if i not in elsewhere]
    weeks = p["postpartum_week_at_diagnosis"].astype(int)
    first_visit = int(v.loc[v["month"] > v["month"].min(), "month"].min())
    ca_flags = flags[flags["analyte"] == "calcium_mg_dl"]
    talus_baseline = v[v["patient_id"].isin(talus) & (v["month"] == v["month"].min())]
    ca_talus = ", ".join(f"{x:g}" for x in talus_baseline["calcium_mg_dl"].astype(float))
    fig = {s: _ids(f[f["site"] == s]) for s in ["sacroiliac_joint", "femoral_neck"]}
    claims = t["reported_statistics"]
    carbonate = printed("mgmt_calcium_carbonate_dose", table=claims)
    return {
        "Smokers": f"{len(smokers)} smokers (patients {_ids_text(smokers)})",
        "Vitamin D dose": f"{int(p['vitamin_d_calcium'].sum())} of {len(p)} given 'Vitamin D and "
                          "Calcium'; no dose recorded",
        "Calcium dose": f"{carbonate.as_printed} mg calcium carbonate holds about "
                        f"{elemental_calcium_mg(carbonate.value):.0f} mg calcium, not "
                        f"{printed('mgmt_calcium_ion_dose', table=claims).as_printed} mg; no dose recorded "
                        "in Table I",
        "Analgesics": "analgesics not recorded",
        "Breast-feeding": f"discontinued: {_ids_text(bf['discontinued'])}; continued: "
                          f"{_ids_text(bf['continued'])}; neither stated: {_ids_text(bf['not_stated'])}",
        "Talus patient": f"talus finding for patient {_ids_text(talus)}, whose Table I symptoms are "
                         f"'{talus_symptoms}' (no low back pain)",
        "Figure patients": f"sacroiliac joint: patient {_ids_text(fig['sacroiliac_joint'])}; femoral "
                           f"necks: patient {_ids_text(fig['femoral_neck'])}",
        "Vertebroplasty levels": f"Tables I and II: {vp_levels} ({len(vertebroplasty)} levels, "
                                 f"patient {_ids_text(_ids(vertebroplasty))})",
        "Spinal involvement": f"back pain in {len(back_pain)} ({_ids_text(back_pain)}); without those "
                              f"with an MRI site elsewhere, {len(one_site)} ({_ids_text(one_site)}); "
                              f"vertebral levels named for {len(spinal)} ({_ids_text(spinal)})",
        "Serum calcium": f"{len(ca_flags)} calcium arrows ({(ca_flags['flag'] == 'low').sum()} low, "
                         f"{(ca_flags['flag'] == 'high').sum()} high); patient {_ids_text(talus)} "
                         f"baseline {ca_talus} mg/dL",
        "Bone density timing": f"one undated set of three T-scores per patient ({len(p)} patients)",
        "Onset or diagnosis": f"Table I gives the week of diagnosis, weeks {weeks.min()}-{weeks.max()}; "
                              "when symptoms began is not recorded",
        "First pain relief": f"the first follow-up VAS is at month {first_visit}; no earlier visit",
        "Calcium in lactation": "not recorded (no calcium intake or dose in the tables)",
        "Bed rest or exercise": "not recorded",
        "Drugs and bone density": f"no follow-up T-scores; bisphosphonate for "
                                  f"{int(p['bisphosphonate'].sum())} of {len(p)}, teriparatide for none",
        "Spelling of the abbreviation": "the tables use neither; every other use in the text is PLRO",
    }


def consistency_table(tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Where the paper states a fact twice: the two statements and what the tables say.

    One row per topic of :data:`CONSISTENCY_TOPICS`. Columns: ``topic``, ``first
    statement``, ``second statement`` ("section: 'quote'"), ``statements agree``
    (yes/no/unclear), ``the tables say`` (computed from ``tables``, default
    :func:`plro.data.load_all`) and ``tables agree with`` (which statement(s) the
    tables support, or that the tables do not record the fact).
    """
    tables = load_all() if tables is None else tables
    says = _tables_say(tables)
    said = tables["paper_statements"]
    return pd.DataFrame([
        {
            "topic": topic,
            "first statement": _quoted(first, said),
            "second statement": _quoted(second, said),
            "statements agree": agree,
            "the tables say": says[topic],
            "tables agree with": support,
        }
        for topic, first, second, agree, support in CONSISTENCY_TOPICS
    ])


def duplicate_references(refs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Groups of printed references whose authors, title, journal, volume, pages and year coincide.

    ``refs`` defaults to :func:`plro.paper.references`. Columns:
    ``reference_numbers`` ("2, 3"), ``authors``, ``title``, ``journal``, ``year``.
    """
    refs = references() if refs is None else refs
    cols = ["authors", "title", "journal", "volume", "pages", "year"]
    dup = refs[refs.duplicated(cols, keep=False)]
    return (
        dup.groupby(cols, sort=False)["refnumber"]
        .agg(lambda s: ", ".join(str(n) for n in s))
        .reset_index()
        .rename(columns={"refnumber": "reference_numbers"})
        [["reference_numbers", "authors", "title", "journal", "year"]]
    )
