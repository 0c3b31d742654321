"""Chapter 6's audit as a downloadable CSV, computed at every HTML build.

At the end of an HTML build, :func:`write_audit_csv` writes ``downloads/plro-audit.csv``
into the site: :func:`plro.audit.audit_table` of the data package, one row per claim of
``data/reported_statistics.csv`` in the paper's order, with every column that function
documents (``claim_id``, ``section``, ``claim``, ``reported``, ``recomputed_text``,
``status``, ``what_differs``, ``sd_convention``, ``difference``, ...). Nothing is committed
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


def write_audit_csv(outdir: str | Path) -> Path:
    """Write the whole audit as CSV under ``outdir`` (a site root) and return the file's path.

    UTF-8, comma-separated, a header row and one row per claim; missing numbers are empty.
    """
    from plro.audit import audit_table  # the book's package, imported when the build needs it

    path = Path(outdir) / AUDIT_CSV_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    audit = audit_table()
    audit.assign(status=audit["status"].astype(str)).to_csv(path, index=False, lineterminator="\n")
    return path


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    write_audit_csv(app.outdir)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
