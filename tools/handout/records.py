"""The handout's reference records: the case series' record from ``book/references.bib`` and the
records of the works a printed page cites, as the built page renders them, without the bib
``note`` fields (notes are for the book, and may name other entries by their internal keys).
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import Tag

PAPER_KEY = "aytar_plro_case_series"
"""Key of the case series in ``book/references.bib``: its full record always ends the handout."""


class HandoutError(RuntimeError):
    """The handout cannot be built (missing site, page, Chromium, or an unprintable page)."""


def _bib(repo: Path):
    from pybtex.database import parse_file

    bib = repo / "book" / "references.bib"
    return bib, (parse_file(str(bib)).entries if bib.is_file() else {})


def paper_record(repo: Path) -> tuple[str, str, list[str], list[str]]:
    """The DOI and record of :data:`PAPER_KEY`, every entry's ``note`` and every key of the bib."""
    bib, entries = _bib(repo)
    if PAPER_KEY not in entries:
        raise HandoutError(f"{bib} has no entry {PAPER_KEY}, the case series the case comes from")
    entry = entries[PAPER_KEY]
    f = {k.lower(): v.replace("{", "").replace("}", "") for k, v in entry.fields.items()}
    authors = ", ".join(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names)
                        for p in entry.persons.get("author", []))
    issue = f"{f.get('volume', '')}({f['number']})" if f.get("number") else f.get("volume", "")
    pages = f":{f['pages']}" if f.get("pages") else ""
    record = (f"{authors}. {f.get('title', '')}. {f.get('journal', '')}, {f.get('year', '')};"
              f"{issue}{pages}. doi:{f.get('doi', '')}.")
    notes = [" ".join(e.fields["note"].replace("{", "").replace("}", "").split())
             for e in entries.values() if "note" in e.fields]
    return f.get("doi", ""), record, notes, list(entries)


def without_notes(record: str, notes: list[str], keys: list[str]) -> str:
    """A rendered record without the bib notes, and without any sentence naming a bib key."""
    for note in notes:
        record = record.replace(f" {note}.", "").replace(note, "")
    if keys:
        named = re.compile(r"\s*[^.]*\b(?:" + "|".join(map(re.escape, keys)) + r")\b[^.]*\.?")
        record = named.sub("", record)
    return record.strip()


def cited_records(top: Tag, repo: Path | None, page: str | Path) -> tuple[dict[str, str], str]:
    """Reference records by citation label (bib notes left out), and the case series' label."""
    doi, record, notes, keys = paper_record(repo or Path(__file__).resolve().parents[2])
    records: dict[str, str] = {}
    for a in top.select(".bibtex-citation a[title]"):
        label = " ".join(a.get_text().split())
        records.setdefault(label, without_notes(" ".join(a["title"].split()), notes, keys))
    paper = [label for label, rec in records.items() if doi and doi.lower() in rec.lower()]
    if not paper:
        raise HandoutError(f"{page} does not cite {PAPER_KEY} (DOI {doi}), the case's source")
    records[paper[0]] = record
    return records, paper[0]
