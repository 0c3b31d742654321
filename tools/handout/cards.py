"""The case cards (``notebooks/card-patient-N.html``) rewritten for print, like the seminar case.

Each card keeps its title, its introduction, its facts and its "Question N" boxes; the
"Where next" section, the learner-kit and download lines and every sentence that speaks to a
web reader are dropped. The card's answers (the folded "Answer N" admonitions) are left out
of the participants' sheet and printed open, in a marked box, in the facilitator's edition,
by the same rewriter as the seminar case (:class:`tools.handout.case._Rewriter`).
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from tools.handout.case import TEXTS, Case, HandoutError, _Rewriter, _words, cited_records

CARD_PAGES = "notebooks/card-patient-*.html"
"""The case cards, relative to the site directory."""

SKIP_SECTIONS = {"where-next"}
"""Sections of a card that point to other web pages and are not printed."""


def card_pages(site_dir: str | Path) -> list[str]:
    """The card pages of a built site, relative to it, in patient order (3, 6, 9, 10)."""
    site = Path(site_dir).resolve()
    pages = site.glob(CARD_PAGES)
    number = re.compile(r"card-patient-(\d+)\.html$")
    return [str(p.relative_to(site)) for p in sorted(pages, key=lambda p: int(number.search(p.name)[1]))]


def card_number(page: str) -> int:
    """The patient number of a card page (``notebooks/card-patient-3.html`` is 3)."""
    return int(re.search(r"card-patient-(\d+)\.html$", page)[1])


def _fold_to_details(soup: BeautifulSoup, top: Tag) -> None:
    """Each folded admonition ("Answer N") as a ``<details>`` block, as the rewriter expects."""
    for box in top.select("div.admonition.dropdown"):
        title = box.select_one(".admonition-title")
        details = soup.new_tag("details")
        summary = soup.new_tag("summary")
        summary.string = _words(title) if title else ""
        if title:
            title.decompose()
        content = soup.new_tag("div", attrs={"class": "sd-summary-content"})
        for child in list(box.children):
            content.append(child)
        details.append(summary)
        details.append(content)
        box.replace_with(details)


def read_card(site_dir: str | Path, page: str, facilitator: bool, repo: Path | None = None) -> Case:
    """One built case card, rewritten for the participants' sheet or the facilitator's edition."""
    site = Path(site_dir).resolve()
    path = site / page
    if not path.is_file():
        raise HandoutError(f"{path} not found: build the book first (make book)")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    top = soup.select_one("article section")
    if top is None or top.find("h1") is None:
        raise HandoutError(f"{path} has no titled article: is it a case card?")
    title = _words(top.find("h1")).rstrip("#").strip()
    records, paper = cited_records(top, repo, page)
    _fold_to_details(soup, top)
    rw = _Rewriter(site, soup, facilitator, page=page)
    nodes = [n for n in top.children if isinstance(n, Tag)
             and (n.name != "section" or n.get("id") not in SKIP_SECTIONS)]
    part = rw.part(f"card card-{card_number(page)}", nodes)
    if rw.questions == 0:
        raise HandoutError(f"{path} has no 'Question N' box: is it a case card?")
    return Case(title=title, parts=[part], records=records, paper_label=paper,
                licence=TEXTS["licence"])
