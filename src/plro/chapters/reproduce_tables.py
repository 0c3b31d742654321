"""Chapter 6, reproducing the paper: its tables as a reader sees them.

:func:`audit_html` is the compact, verdict-first audit: one row per claim with the claim,
the number as printed, the number recomputed and the verdict, grouped by verdict (the
claims that differ first), laid out so that a phone shows each row as a short card. The
other functions return the chapter's further tables through :func:`plro.tables.readable`:
human headers, section names instead of section codes, yes/no, "—" for missing, the same
decimals down a column. The facts the prose quotes are :func:`plro.chapters.reproduce.facts`.

Typical use in the notebook::

    from plro.chapters import reproduce_tables as show
    HTML(show.audit_html(audit))
"""

from __future__ import annotations

import html
import re

import pandas as pd

from plro.appraisal import consistency_table, jbi_table
from plro.audit import NOT_DERIVABLE, audit_counts, audit_table
from plro.labs import interval_summary
from plro.pain import reported_mean_check
from plro.subsets import subset_search, subset_tables
from plro.tables import NOT_REPORTED, cell_text, readable

__all__ = ["COMPOUND_CLAIMS", "GROUP_ORDER", "SECTION_NAMES", "audit_html", "claims_by_section",
           "consistency_display", "differences_table", "duplicates_table", "first_eight_table",
           "full_audit", "jbi_display", "lab_table", "pain_check_table", "recomputed_words",
           "search_table", "sd_table", "section_name", "verdict_words"]

SECTION_NAMES = {"abstract": "Abstract", "introduction": "Introduction", "methods": "Methods",
                 "case_series": "Case Series", "management": "Management", "results": "Results",
                 "table_i": "Table I", "table_ii": "Table II", "figure_captions": "Figure captions",
                 "discussion": "Discussion", "conclusion": "Conclusion"}
"""The paper's section codes (``reported_statistics.csv``) as the paper names the sections."""

GROUP_ORDER = ("differs", "partly contradicted", "matches", NOT_DERIVABLE)
"""The order of the verdict groups in :func:`audit_html`: disagreements first."""

COMPOUND_CLAIMS = ("abs_relief_month_1", "abs_symptom_resolution_month_1",
                   "abs_breastfeeding_latest", "cs_vas_mean", "cs_vas_sd", "cs_vas_spinal_mean",
                   "cs_spinal_involvement", "disc_calcium_normal", "disc_bmd_six_months")
"""Claims from sentences that say more than one thing."""

def section_name(code: str) -> str:
    """A section code as the paper names it (``"case_series"`` -> ``"Case Series"``)."""
    return SECTION_NAMES.get(code, code.replace("_", " ").capitalize())


def _visit_words(text: str) -> str:
    """Visit labels in running text as words: ``month_1`` -> ``month 1``."""
    return re.sub(r"\bmonth_(\d+)\b", r"month \1", text)


def recomputed_words(text: str) -> str:
    """``recomputed_text`` of :func:`plro.audit.audit_table` for a reader.

    Visit labels become words, "[patients 4]" becomes "[patient 4]" and the SD
    conventions read "(n − 1)" and "(n)".
    """
    text = _visit_words(text)
    text = re.sub(r"\[patients (\d+)\]", r"[patient \1]", text)
    return text.replace("(n-1)", "(n − 1)")


def verdict_words(row: pd.Series) -> str:
    """The verdict of one audit row, with what differs: ``"differs: SD"``, ``"matches"``."""
    status = str(row["status"])
    if status == "differs" and row["what_differs"]:
        return f"differs: {row['what_differs']}"
    if status == NOT_DERIVABLE:
        return "not derivable"
    return status


_ORDINAL_UNITS = r"trimester|year of follow-up"
"""Units whose count is an ordinal ("3rd trimester", "7th year of follow-up")."""


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _printed_words(text: str) -> str:
    """``reported`` of the audit for a reader: curly quotes, the singular after 1 ("1 patient",
    "1 dose per day", "1 year"), ordinals where the unit is one ("3rd trimester")."""
    if text.startswith("'"):
        text = text.replace("'", "\u2018", 1).replace("'", "\u2019", 1)
    text = re.sub(r"(^|= )1 (\w+?)s\b", r"\g<1>1 \2", text)
    return re.sub(rf"(^|= )(\d+) ({_ORDINAL_UNITS})\b",
                  lambda m: f"{m.group(1)}{_ordinal(int(m.group(2)))} {m.group(3)}", text)


def _quantity_label(quantity: str) -> str:
    """A row label from the audit's ``quantity``: capitalised, without its parenthetical
    remark ("Mean time of diagnosis after delivery"); the remark stays in the compact audit."""
    short = re.sub(r"\s*\(.*\)\s*$", "", quantity)
    return short[:1].upper() + short[1:]


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(quantity=frame["quantity"].astype(str).map(_quantity_label))


def _fixed(values: pd.Series, decimals: int = 1) -> pd.Series:
    """Relative differences in words: whole numbers as integers ("0", "-100"), others with
    ``decimals`` places ("-12.5"), "—" when missing."""
    return values.map(lambda v: cell_text(v, decimals))


def _recomputed_cell(row: pd.Series) -> str:
    if str(row["status"]) == NOT_DERIVABLE:
        return f"{NOT_REPORTED} ({row['basis']})"
    return recomputed_words(str(row["recomputed_text"])) or NOT_REPORTED


_AUDIT_CSS = """
#{id} {{ width: 100%; border-collapse: collapse; table-layout: fixed; display: table; }}
#{id} th, #{id} td {{ text-align: left; vertical-align: top; padding: 0.3em 0.5em;
  overflow-wrap: break-word; hyphens: auto; border-bottom: 1px solid rgba(128, 128, 128, 0.35); }}
#{id} col.plro-col-claim {{ width: 38%; }} #{id} col.plro-col-printed {{ width: 19%; }}
#{id} col.plro-col-recomputed {{ width: 27%; }} #{id} col.plro-col-verdict {{ width: 16%; }}
#{id} tbody th[scope="rowgroup"] {{ padding-top: 0.9em; font-size: 1.05em; }}
#{id} .plro-claim-note {{ display: block; font-size: 0.85em; opacity: 0.8; }}
@media (max-width: 640px) {{
  #{id}, #{id} tbody, #{id} tr, #{id} td {{ display: block; width: 100%; }}
  #{id} colgroup {{ display: none; }}
  #{id} thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }}
  #{id} tbody th[scope="rowgroup"] {{ display: block; }}
  #{id} td {{ border-bottom: none; padding: 0.1em 0.3em; }}
  #{id} tr {{ border-bottom: 1px solid rgba(128, 128, 128, 0.35); padding: 0.3em 0; }}
  #{id} td[data-label]::before {{ content: attr(data-label) ": "; font-weight: bold; }}
}}
"""


def _row_html(row: pd.Series) -> str:
    e = html.escape
    claim = (f"\u201c{e(str(row['claim']))}\u201d<span class=\"plro-claim-note\">"
             f"{e(str(row['quantity']))} ({e(section_name(str(row['section'])))})</span>")
    cells = [("Claim", claim), ("Printed", e(_printed_words(str(row["reported"])))),
             ("Recomputed", e(_recomputed_cell(row))), ("Verdict", e(verdict_words(row)))]
    return f'<tr data-claim-id="{e(str(row["claim_id"]))}">' + "".join(
        f'<td data-label="{label}">{text}</td>' if label != "Claim" else f"<td>{text}</td>"
        for label, text in cells) + "</tr>"


def audit_html(audit: pd.DataFrame, table_id: str = "plro-audit", grouped: bool = True,
               caption: str | None = None) -> str:
    """The audit as a four-column HTML table: Claim, Printed, Recomputed, Verdict.

    With ``grouped`` the rows are grouped by verdict in :data:`GROUP_ORDER`, each group
    under a heading row naming the verdict and its number of claims; within a group
    the rows keep the paper's order. A not-derivable claim shows "—" and the reason
    in the Recomputed column. Below 640 px each row becomes a short card (the column
    names repeat before each value), so nothing scrolls sideways on a phone. Each row
    carries its ``claim_id`` (``data-claim-id``), the key of the CSV download.
    """
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Claim", "Printed", "Recomputed",
                                                          "Verdict"))
    parts = [f"<style>{_AUDIT_CSS.format(id=table_id)}</style>",
             f'<table id="{table_id}" class="plro-audit">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<colgroup>" + "".join(f'<col class="plro-col-{c}">' for c in
                                        ("claim", "printed", "recomputed", "verdict")) + "</colgroup>")
    parts.append(f"<thead><tr>{head}</tr></thead>")
    groups = [(status, audit[audit["status"].astype(str) == status]) for status in GROUP_ORDER]
    if not grouped:
        groups = [("", audit)]
    for status, rows in groups:
        if rows.empty:
            continue
        parts.append("<tbody>")
        if grouped:
            word = "claim" if len(rows) == 1 else "claims"
            parts.append(f'<tr><th scope="rowgroup" colspan="4">{html.escape(status.capitalize())}'
                         f": {len(rows)} {word}</th></tr>")
        parts.extend(_row_html(row) for _, row in rows.iterrows())
        parts.append("</tbody>")
    parts.append("</table>")
    return "\n".join(parts)


def full_audit(audit: pd.DataFrame) -> pd.DataFrame:
    """Every column of the audit that a reader can use, in words, one row per claim.

    Rows are labelled by what the claim counts or measures, in the paper's order (the
    order of the CSV download).
    """
    table = audit.assign(
        section=audit["section"].map(section_name),
        status=audit["status"].astype(str).replace({NOT_DERIVABLE: "not derivable"}),
        recomputed_text=audit["recomputed_text"].map(recomputed_words),
        sd_convention=audit["sd_convention"].str.replace("n-1", "n − 1"),
        reported=audit["reported"].map(_printed_words),
        basis=audit["basis"].map(_visit_words),
        relative_difference_pct=_fixed(audit["relative_difference_pct"]),
    )
    return readable(_named(table), label="quantity", headers={
        "section": "Section", "claim": "Claim as printed", "reported": "Printed",
        "recomputed_text": "Recomputed from the tables", "status": "Verdict",
        "what_differs": "What differs", "sd_convention": "SD convention that reproduces it",
        "relative_difference_pct": "Relative difference (%)", "basis": "Basis of the check",
    })


def claims_by_section(audit: pd.DataFrame) -> pd.DataFrame:
    """:func:`plro.audit.audit_counts` with section names and verdicts as headers."""
    counts = audit_counts(audit).rename(index=section_name)
    counts.index.name = "section"
    return readable(counts, label="section", headers={
        "claims": "Claims", "matches": "Match", "partly contradicted": "Partly contradicted",
        "differs": "Differ", NOT_DERIVABLE: "Not derivable"})


def differences_table(audit: pd.DataFrame) -> pd.DataFrame:
    """The claims that differ: what is printed, what the tables give and by how much."""
    rows = audit[audit["status"].astype(str) == "differs"]
    rows = rows.assign(recomputed_text=rows["recomputed_text"].map(recomputed_words),
                       reported=rows["reported"].map(_printed_words),
                       relative_difference_pct=_fixed(rows["relative_difference_pct"]))
    return readable(_named(rows), label="quantity", headers={
        "reported": "Printed", "recomputed_text": "Recomputed", "what_differs": "What differs",
        "relative_difference_pct": "Relative difference (%)"})


def sd_table(audit: pd.DataFrame) -> pd.DataFrame:
    """The printed SDs beside both conventions' values."""
    rows = audit[audit["statistic"] == "sd"]
    rows = rows.assign(recomputed_text=rows["recomputed_text"].map(recomputed_words),
                       sd_convention=rows["sd_convention"].str.replace("n-1", "n − 1"))
    return readable(_named(rows), label="quantity", headers={
        "reported": "Printed", "recomputed_text": "Sample SD (n − 1) / population SD (n)",
        "sd_convention": "Convention that reproduces it", "status": "Verdict"})


def first_eight_table(tables: dict, claim_ids) -> pd.DataFrame:
    """The claims ``claim_ids`` (the Case Series summaries) recomputed on patients 1-8 only."""
    rows = audit_table(subset_tables(tables, range(1, 9))).set_index("claim_id")
    rows = rows.loc[list(claim_ids)]
    rows = rows.assign(recomputed_text=rows["recomputed_text"].map(recomputed_words),
                       sd_convention=rows["sd_convention"].str.replace("n-1", "n − 1"),
                       status=rows["status"].astype(str))
    return readable(_named(rows.reset_index(drop=True)), label="quantity", headers={
        "reported": "Printed", "recomputed_text": "Recomputed on patients 1–8",
        "sd_convention": "SD convention that reproduces it", "status": "Verdict"})


def search_table(tables: dict, audit: pd.DataFrame) -> pd.DataFrame:
    """The subset search: for each printed mean with SD, how many subsets reproduce it."""
    search = subset_search(tables)
    quantity = audit.set_index("claim_id")["quantity"]
    search = search.assign(quantity=search["claim_id"].map(quantity))
    return readable(_named(search), label="quantity", headers={
        "reported": "Printed", "subsets searched": "Subsets searched",
        "subsets reproducing": "Subsets reproducing it", "all ten reproduce": "All ten reproduce it",
        "patients 1-8 reproduce": "Patients 1–8 reproduce it"})


def lab_table(tables: dict) -> pd.DataFrame:
    """The laboratory columns against the illustrative intervals and the paper's arrows.

    One column per analyte and one row per measure, so that five analytes fit a page.
    """
    labs = interval_summary(tables["visits"], tables["lab_flags"])
    rows = {"unit": "Unit", "interval": "Illustrative interval", "reported": "Values reported",
            "min": "Lowest", "max": "Highest", "below": "Below the interval",
            "above": "Above the interval", "arrows": "Arrows in the paper",
            "outside, not flagged": "Outside, no arrow",
            "flagged, inside interval": "Arrow, inside the interval",
            "flag opposite to interval": "Arrow opposite to the interval"}
    shown = labs.set_index("label")[list(rows)].rename(columns=rows).T.astype(object)
    shown.index.name = "measure"
    shown.columns.name = None
    return readable(shown, label="measure")


def pain_check_table(tables: dict) -> pd.DataFrame:
    """Chapter 5's definitions of pain control against the printed mean time."""
    check = reported_mean_check(tables["visits"])
    check = check.assign(**{"mean of visit months": _fixed(check["mean of visit months"])})
    return readable(check, label="definition", headers={
        "mean of visit months": "Mean of first visit months meeting it",
        "equals reported": "Equals the printed mean", "attainable": "Printed times attainable"})


def _tables_verdict(agree_with: str) -> str:
    if agree_with == "not recorded":
        return ""
    if agree_with in ("both", "neither"):
        return f"; supports {agree_with} {'statements' if agree_with == 'both' else 'statement'}"
    return f"; supports the {agree_with}"


def consistency_display(tables: dict) -> pd.DataFrame:
    """:func:`plro.appraisal.consistency_table` in words: section names, not section codes.

    Which statement the tables support is said after what they show ("...; supports the
    first"), so that the table has four columns of text.
    """
    table = consistency_table(tables)
    for column in ("first statement", "second statement"):
        table[column] = table[column].str.replace(
            r"^(\w+):", lambda m: f"{section_name(m.group(1))}:", regex=True)
    table["the tables say"] = table["the tables say"] + table["tables agree with"].map(_tables_verdict)
    return readable(table, label="topic", headers={
        "first statement": "First statement", "second statement": "Second statement",
        "statements agree": "Agree", "the tables say": "What the tables say"})


def duplicates_table(duplicates: pd.DataFrame) -> pd.DataFrame:
    """:func:`plro.appraisal.duplicate_references` with human headers."""
    return readable(duplicates, headers={"reference_numbers": "References", "authors": "Authors",
                                         "title": "Title", "journal": "Journal", "year": "Year"})


def jbi_display(columns: tuple[str, ...] = ("question", "answer", "reason")) -> pd.DataFrame:
    """The JBI checklist (:func:`plro.appraisal.jbi_table`), one row per item, in words."""
    headers = {c: c[0].upper() + c[1:] for c in columns}
    return readable(jbi_table(), label="item", headers=headers)
