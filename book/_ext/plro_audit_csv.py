"""Chapter 6's audit as a downloadable CSV, computed at every HTML build.

At the end of an HTML build, :func:`write_audit_csv` writes ``downloads/plro-audit.csv``
into the site: :func:`plro.audit.audit_table` of the data package, one row per claim of
``data/reported_statistics.csv`` in the paper's order, with every column that function
documents, headed in words for a spreadsheet reader (:data:`HEADERS`: "Claim id", "Section",
"Claim as printed", "Printed", "Verdict", ...), whole numbers written without a decimal
point ("10", not "10.0") and missing numbers left empty. Nothing is committed
by hand: the file is rebuilt from the data each time, so it cannot drift from the
chapter's tables. Chapter 6 links it with a relative address (``../downloads/plro-audit.csv``),
the way the learner kit (``plro_kit.py``) is written and linked; the browser tests fetch
every download a page links, so a missing CSV fails them.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

AUDIT_CSV_PATH = "downloads/plro-audit.csv"
"""Where the audit is served, relative to the site root."""

HEADERS = {
    "claim_id": "Claim id", "section": "Section", "claim": "Claim as printed",
    "quantity": "What it counts or measures", "reported": "Printed",
    "reported_value": "Printed value", "status": "Verdict", "what_differs": "What differs",
    "sd_convention": "SD convention that reproduces it", "difference": "Difference (recomputed - printed)",
    "relative_difference_pct": "Relative difference (%)", "recomputed": "Recomputed value",
    "recomputed_sd_n1": "Recomputed SD (divisor n - 1)", "recomputed_sd_n": "Recomputed SD (divisor n)",
    "recomputed_text": "Recomputed from the tables", "statistic": "Statistic", "basis": "Basis of the check",
}
"""The CSV's column headings, keyed by :func:`plro.audit.audit_table`'s column names."""


def _number(value: float) -> int | float:
    """A number as a spreadsheet should read it: whole numbers without ".0"."""
    return int(value) if float(value).is_integer() else float(value)


def write_audit_csv(outdir: str | Path) -> Path:
    """Write the whole audit as CSV under ``outdir`` (a site root) and return the file's path.

    UTF-8, comma-separated, a header row and one row per claim; missing numbers are empty.
    """
    from plro.audit import audit_table  # the book's package, imported when the build needs it

    path = Path(outdir) / AUDIT_CSV_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    import pandas as pd

    audit = audit_table()
    missing = [c for c in audit.columns if c not in HEADERS]
    if missing:
        raise KeyError(f"plro_audit_csv: no heading for audit column(s) {missing}")
    shown = audit.assign(status=audit["status"].astype(str))
    for column in shown.columns:
        if pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = pd.Series([("" if pd.isna(v) else _number(v)) for v in shown[column]],
                                      index=shown.index, dtype=object)
    shown.rename(columns=HEADERS).to_csv(path, index=False, lineterminator="\n")
    return path


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    write_audit_csv(app.outdir)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
