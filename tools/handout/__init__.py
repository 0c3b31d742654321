"""Print the seminar handouts from the built site: the case's editions and the case cards' sheets.

Usage (``make handout`` runs the second)::

    python -m tools.handout _build/html _build              # the two editions and the card sheets
    python -m tools.handout _build/html _build --by-stage   # and one participants' sheet per stage

Written into the output folder:

- ``handout-participants.pdf``: the case's facts, figures and questions for the room, each
  question followed by ruled lines for notes, and the "Check yourself" quiz without its
  feedback. No answer, no "what the series did", no key points.
- ``handout-facilitator.pdf``: the same pages with every answer and "what the series did"
  printed open in a marked box under its question, the quiz with its correct option marked
  and its feedback, and the key points.
- with ``--by-stage``, ``handout-stage-1.pdf`` ... ``handout-stage-N.pdf`` (the participants'
  edition, one stage per PDF, the opening on the first) and ``handout-quiz.pdf`` (the quiz
  and the reference list): in the room each stage is handed out after the previous one has
  been discussed, because the next stage's facts answer the previous question.
- ``handout-card-3.pdf`` ... (one per case card, ``notebooks/card-patient-N.html``): the
  card's facts and its questions with ruled lines for notes, and no answers; and
  ``handout-cards-facilitator.pdf``: every card, one after the other, each answer printed
  open in a marked box under its question (:mod:`tools.handout.cards`).

Every page has a running header (the case's own title, which does not name the diagnosis,
or the card's, and the edition) and a footer ("Page n of N", the date, and the short licence
line of ``editions.json``, on one line), printed by Chromium's header and footer templates.
Each edition ends with a reference list: the case series' full record and every reference
the printed text cites (bib ``note`` fields, which are for the book, left out). A link to
another page of the book prints its words and the chapter's title.

The pages are rewritten from the built HTML by :mod:`tools.handout.case` and styled by
``handout.css``, then printed in headless Chromium (Playwright). Before printing, the
printer checks that no box (a question with its notes, an answer, a figure, a table, a quiz
question) is taller than a page, so that none has to be split. A missing site, page or
Chromium raises :class:`HandoutError` with a message that says what to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from pathlib import Path

from tools.chromium import CHROMIUM_ARGS, find_chromium
from tools.handout.cards import card_number, card_pages, read_card
from tools.handout.case import (
    CASE_PAGE,
    TEXTS,
    WEB_ONLY,
    Case,
    HandoutError,
    Part,
    read_case,
)

__all__ = ["CASE_PAGE", "WEB_ONLY", "HandoutError", "build_handouts", "main", "print_date"]

CSS = (Path(__file__).with_name("handout.css")).read_text(encoding="utf-8")
"""The print stylesheet (``handout.css``)."""

MARGINS = {"top": "20mm", "bottom": "22mm", "left": "15mm", "right": "15mm"}
"""Page margins; the header and footer are printed inside the top and bottom ones."""

PAGE_HEIGHT_PX = (297 - 20 - 22) / 25.4 * 96
"""Printable height of an A4 page with :data:`MARGINS`, in CSS pixels."""

PRINT_WIDTH_PX = 180 / 25.4 * 96
"""Printable width of an A4 page with :data:`MARGINS`, in CSS pixels."""

BOXES = ".keep, .question, .answer, figure, table, .quiz, .references li"
"""Elements that must not be split across pages (``break-inside: avoid`` in the CSS)."""

_HEADER = """<div style="font-family: 'DejaVu Sans', sans-serif; font-size: 8pt; color: #000;
 width: 100%; margin: 0 15mm; padding-bottom: 1.5mm; border-bottom: 0.4pt solid #000;
 display: flex; justify-content: space-between;"><span>{title}</span><span>{edition}</span></div>"""

_FOOTER = """<div style="font-family: 'DejaVu Sans', sans-serif; font-size: 8pt; color: #000;
 width: 100%; margin: 0 15mm; padding-top: 1.5mm; border-top: 0.4pt solid #000;
 display: flex; justify-content: space-between; gap: 6mm;">
 <span>{date} · {licence}</span>
 <span style="white-space: nowrap;">Page <span class="pageNumber"></span> of
 <span class="totalPages"></span></span></div>"""


def print_date() -> str:
    """The date printed in the footer: ``$SOURCE_DATE_EPOCH`` if set (a reproducible build), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    return f"{day.day} {day:%B %Y}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reference_list(case: Case, parts: list[Part]) -> str:
    """The paper's record, then every other reference cited in ``parts``, alphabetically."""
    cited = {label for part in parts for label in part.citations} - {case.paper_label}
    labels = [case.paper_label] + sorted(cited, key=str.lower)
    items = "".join(
        f'<li><span class="ref__label">[{label}]</span> {_escape(case.records.get(label, label))}</li>'
        for label in labels
    )
    return (f'<section class="part part--references"><h2>{TEXTS["references_title"]}</h2>'
            f'<ul class="references">{items}</ul></section>')


def document(case: Case, parts: list[Part], note: str | None, css: str, references: bool) -> str:
    """A complete print HTML document of ``parts`` (with the edition note and references)."""
    body = "".join(p.html for p in parts)
    if note:
        body = body.replace("</h1>", f'</h1><p class="edition-note">{_escape(note)}</p>', 1)
    if references:
        body += reference_list(case, parts)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{_escape(case.title)}</title><style>{css}</style></head>"
            f"<body>{body}</body></html>")


def _card_jobs(site_dir: str | Path) -> list[tuple[str, str, str, str]]:
    """(file name, header title, header label, HTML) of each card's sheet and the cards' key."""
    texts, jobs, kept = TEXTS["cards"], [], []
    for page in card_pages(site_dir):
        card = read_card(site_dir, page, facilitator=False)
        jobs.append((f"handout-card-{card_number(page)}.pdf", card.title, texts["label"],
                     document(card, card.parts, texts["note"], CSS, True)))
        kept.append(read_card(site_dir, page, facilitator=True))
    if kept:
        key = Case(title=texts["facilitator_title"], parts=[p for c in kept for p in c.parts],
                   records={k: v for c in kept for k, v in c.records.items()},
                   paper_label=kept[0].paper_label, licence=kept[0].licence)
        jobs.append(("handout-cards-facilitator.pdf", key.title, texts["facilitator_label"],
                     document(key, key.parts, texts["facilitator_note"], CSS, True)))
    return jobs


def _jobs(participants: Case, facilitator: Case, by_stage: bool) -> list[tuple[str, str, str, str]]:
    """(file name, header title, header label, HTML) of every PDF of the case to print."""
    title = participants.title
    jobs = [
        ("handout-participants.pdf", title, TEXTS["participants"]["label"],
         document(participants, participants.parts, TEXTS["participants"]["note"], CSS, True)),
        ("handout-facilitator.pdf", title, TEXTS["facilitator"]["label"],
         document(facilitator, facilitator.parts, TEXTS["facilitator"]["note"], CSS, True)),
    ]
    if by_stage:
        parts = participants.parts
        stages = [p for p in parts if p.key.startswith("stage-")]
        sheet = TEXTS["stage_sheet"]
        for i, stage in enumerate(stages, start=1):
            chunk: list[Part] = ([parts[0]] if i == 1 else []) + [stage]
            note = TEXTS["participants"]["note"] if i == 1 else None
            jobs.append((f"handout-stage-{i}.pdf", title,
                         sheet["label"].format(n=i, total=len(stages)),
                         document(participants, chunk, note, CSS, False)))
        quiz = [p for p in parts if p.key == "quiz"]
        if quiz:
            jobs.append(("handout-quiz.pdf", title, sheet["quiz_label"],
                         document(participants, quiz, None, CSS, True)))
    return jobs


def _too_tall(page) -> list[str]:
    """Boxes taller than a printed page, described, in the laid-out print document."""
    return page.evaluate(
        """([sel, limit]) => [...document.querySelectorAll(sel)]
             .filter((el) => el.getBoundingClientRect().height > limit)
             .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ` +
                          `${Math.round(el.getBoundingClientRect().height)} px, ` +
                          `"${el.innerText.slice(0, 60)}..."`)""",
        [BOXES, PAGE_HEIGHT_PX],
    )


def build_handouts(site_dir: str | Path, out_dir: str | Path, by_stage: bool = False) -> list[Path]:
    """Print the editions (and, with ``by_stage``, the stage sheets) into ``out_dir``; their paths."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    participants = read_case(site_dir, facilitator=False)
    facilitator = read_case(site_dir, facilitator=True)
    chromium = find_chromium()
    if chromium is None:
        raise HandoutError("no Chromium found: install the 'chromium' package or set PLRO_CHROMIUM")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    date = print_date()
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": round(PRINT_WIDTH_PX), "height": 1000})
            page.route("**/*", lambda route: route.abort()
                       if not route.request.url.startswith(("data:", "about:")) else route.continue_())
            jobs = _jobs(participants, facilitator, by_stage) + _card_jobs(site_dir)
            for name, title, label, html in jobs:
                page.emulate_media(media="print")
                page.set_content(html, wait_until="load")
                tall = _too_tall(page)
                if tall:
                    raise HandoutError(f"{name}: boxes taller than a page would be split: {tall}")
                blob = page.pdf(
                    format="A4", margin=MARGINS, print_background=True, outline=True,
                    display_header_footer=True,
                    header_template=_HEADER.format(title=_escape(title),
                                                   edition=_escape(label)),
                    footer_template=_FOOTER.format(date=date, licence=_escape(participants.licence)),
                )
                writer = PdfWriter()
                writer.append(PdfReader(io.BytesIO(blob)))
                writer.add_metadata({"/Title": f"{title}: {label}"})
                with open(out / name, "wb") as fh:
                    writer.write(fh)
                written.append(out / name)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.handout SITE_DIR OUT_DIR [--by-stage]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.handout",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("site_dir", help="the built HTML site, e.g. _build/html")
    parser.add_argument("out_dir", help="folder for the PDFs, e.g. _build")
    parser.add_argument("--by-stage", action="store_true",
                        help="also print the participants' edition one stage per PDF")
    args = parser.parse_args(argv)
    try:
        paths = build_handouts(args.site_dir, args.out_dir, by_stage=args.by_stage)
    except HandoutError as exc:
        print(f"handout: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"handout written to {path}")
    return 0
