"""Turn the built seminar case page into print documents, one per edition or per stage.

The built page (``notebooks/07-seminar-case.html``) is read with BeautifulSoup and
rewritten into plain print HTML styled by ``handout.css``:

- kept: the title, the introduction, every case stage (facts, tables, figures and the
  questions for the room) and the "Check yourself" quiz;
- dropped: code, toggle bars, download and slide lines, heading anchors, the "What's next"
  section, and any sentence that speaks to a web reader (:data:`WEB_ONLY`);
- answers (the ``{dropdown}`` blocks "Answer" and "What the series did", the quiz feedback,
  the key points) are left out of the participants' edition and printed open, in a marked
  box, in the facilitator's;
- links become text: glossary and chapter links their words, citations their
  "[Author, year]" label with the full record in a reference list at the end, external links
  their words and the address; figure references use the handout's own numbering; a link to
  another page of the book adds that chapter's title ("(book chapter: ...)"), so that the
  print says where to look. Reference records come from :mod:`tools.handout.records`.

The case cards go through the same rewriter (:mod:`tools.handout.cards`).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from tools.handout.records import HandoutError, cited_records

CASE_PAGE = "notebooks/07-seminar-case.html"
"""The seminar case page, relative to the site directory."""

TEXTS = json.loads((Path(__file__).with_name("editions.json")).read_text(encoding="utf-8"))
"""The handout's own words (edition labels and notes, box labels): ``editions.json``."""

WEB_ONLY = re.compile(
    r"\b(click|tap|press|hover|toggle|folded|fold(?:ed)? away|open them|open any|"
    r"choose an answer|show code|download|slides?|learner kit|scroll)\b",
    re.I,
)
"""Words that speak to a web reader; a sentence holding one is dropped from the print."""

DROP = [".plro-download", ".plro-kit", ".headerlink", ".cell_input", "style", "script",
        ".output.stderr", ".output.traceback", "button", ".toggle-button"]
"""Elements never printed."""

PRINT_WIDTH_PT = 510.0
"""Printable width of A4 with 15 mm side margins (180 mm), in points."""

MIN_FIGURE_PT = 8.0
"""Smallest text size allowed in a printed figure, in points."""


@dataclass
class Part:
    """One printable piece of the case: the opening, a stage, the quiz or the key points."""

    key: str
    html: str
    citations: list[str] = field(default_factory=list)


@dataclass
class Case:
    """The case page cut into parts for one edition, with what the reference list needs."""

    title: str
    parts: list[Part]
    records: dict[str, str]
    paper_label: str
    licence: str


def _words(node: Tag) -> str:
    return " ".join(node.get_text().split())


def _drop_web_only(root: Tag) -> None:
    """Remove every sentence that speaks to a web reader from the text under ``root``."""
    sentence = re.compile(r"\s*[^.!?]*?" + WEB_ONLY.pattern + r"[^.!?]*[.!?]?", re.I)
    for text in list(root.find_all(string=True)):
        if WEB_ONLY.search(text):
            text.replace_with(NavigableString(sentence.sub("", str(text))))
    for p in root.find_all(["p", "li"]):
        if not _words(p):
            p.decompose()


def _image_uri(site: Path, page_dir: Path, src: str) -> tuple[str, float, float]:
    """The image as a data URI, its natural width in points and its smallest text size in points."""
    path = (page_dir / src).resolve()
    if not path.is_file() or site not in path.parents:
        raise HandoutError(f"figure image {src} not found in the site")
    data = path.read_bytes()
    if path.suffix != ".svg":
        uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        return uri, PRINT_WIDTH_PT, MIN_FIGURE_PT
    svg = data.decode("utf-8")
    width = re.search(r'<svg[^>]*\bwidth="([\d.]+)(pt|px)?"', svg)
    box = re.search(r'<svg[^>]*\bviewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', svg)
    width_pt = float(width.group(1)) * (0.75 if width.group(2) == "px" else 1.0)
    units_per_pt = (float(box.group(1)) / width_pt) if box else 1.0
    sizes = [float(s) / units_per_pt for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    uri = "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return uri, width_pt, min(sizes, default=MIN_FIGURE_PT)


def _tidy_table(table: Tag) -> None:
    """A pandas table with its index name moved into the header row and no inline styles."""
    for attr in ("border", "style", "class"):
        table.attrs.pop(attr, None)
    table["class"] = "data"
    rows = table.select("thead tr")
    if len(rows) == 2:
        names = [_words(th) for th in rows[1].find_all("th")]
        if names and names[0] and not any(names[1:]):
            first = rows[0].find("th")
            first.clear()
            first.append(names[0])
            rows[1].decompose()
    for tr in table.find_all("tr"):
        tr.attrs.pop("style", None)


class _Rewriter:
    """Rewrites one copy of the case page's article for one edition (see the module docstring)."""

    def __init__(self, site: Path, soup: BeautifulSoup, facilitator: bool, page: str = CASE_PAGE):
        self.site, self.soup, self.facilitator = site, soup, facilitator
        self.page_dir = (site / page).parent
        self.figures: dict[str, int] = {}
        self.questions = 0

    def new(self, name: str, cls: str, text: str | None = None) -> Tag:
        tag = self.soup.new_tag(name, attrs={"class": cls})
        if text is not None:
            tag.string = text
        return tag

    def links(self, root: Tag) -> list[str]:
        """Links to text; returns the labels of the citations met, in order."""
        cited = []
        for a in list(root.find_all("a")):
            href = a.get("href", "")
            if a.find_parent(class_="bibtex-citation"):
                cited.append(_words(a))
                a.unwrap()
            elif href.startswith("#") and href[1:] in self.figures:
                a.replace_with(f"Figure {self.figures[href[1:]]}")
            elif href.startswith(("http://", "https://")) and _words(a) not in href:
                a.insert_after(f" ({href})")
                a.unwrap()
            elif href and not href.startswith("#") and "glossary.html" not in href:
                self.chapter(a, href)
            else:
                a.unwrap()
        return cited

    def chapter(self, a: Tag, href: str) -> None:
        """A link to another page of the book: its words and the chapter's title (or the title)."""
        target = (self.page_dir / href.split("#")[0]).resolve()
        page = target.read_text(encoding="utf-8") if target.is_file() else "<h1></h1>"
        title = _words(BeautifulSoup(page, "html.parser").find("h1")).rstrip("#").strip()
        named = bool(title) and _words(a).lower() == title.lower()
        a.insert_after(TEXTS["chapter_named" if named else "chapter_note"].format(title=title)
                       if title else "")
        a.decompose() if named else a.unwrap()

    def figure(self, fig: Tag) -> None:
        img = fig.find("img")
        number = self.figures[fig.get("id", "")]
        uri, width_pt, smallest = _image_uri(self.site, self.page_dir, img["src"])
        shown = min(width_pt, PRINT_WIDTH_PT)
        if smallest * shown / width_pt < MIN_FIGURE_PT:
            raise HandoutError(f"figure {fig.get('id')}: its smallest text prints at "
                               f"{smallest * shown / width_pt:.1f} pt, below {MIN_FIGURE_PT} pt")
        new = self.new("figure", "fig")
        new.append(self.soup.new_tag("img", attrs={"src": uri, "alt": img.get("alt", ""),
                                                   "style": f"width:{shown:.0f}pt"}))
        caption = fig.select_one(".caption-text")
        cap = self.new("figcaption", "")
        cap.append(self.new("strong", "", TEXTS["figure_label"].format(n=number)))
        cap.append(" ")
        for child in list(caption.children) if caption else []:
            cap.append(child)
        new.append(cap)
        fig.replace_with(new)

    def question(self, box: Tag) -> None:
        self.questions += 1
        title = box.select_one(".admonition-title")
        if title:
            title.decompose()
        wrap = self.new("div", "question")
        wrap.append(self.new("p", "question__label",
                             TEXTS["question_label"].format(n=self.questions)))
        body = self.new("div", "question__text")
        for child in list(box.children):
            body.append(child)
        wrap.append(body)
        if not self.facilitator:
            wrap.append(self.notes(min(12, 4 + 2 * _words(body).count("?"))))
        box.replace_with(wrap)
        self.keep_with_lead(wrap)

    def notes(self, lines: int) -> Tag:
        """The notes area: a label and ``lines`` ruled lines."""
        notes = self.new("div", "notes")
        notes.append(self.new("p", "notes__label", TEXTS["notes_label"]))
        for _ in range(lines):
            notes.append(self.new("div", "notes__line", ""))
        return notes

    def keep_with_lead(self, box: Tag) -> None:
        """Keep a question on the page of the short paragraphs (and heading) just before it."""
        lead = []
        for sib in box.find_previous_siblings():
            if sib.name not in ("p", "h2") or len(lead) == 3:
                break
            lead.insert(0, sib)
            if sib.name == "h2":
                break
        if lead:
            keep = self.new("div", "keep")
            box.insert_before(keep)
            for node in lead + [box]:
                keep.append(node.extract())

    def answer(self, details: Tag) -> None:
        if not self.facilitator:
            details.decompose()
            return
        title = _words(details.find("summary"))
        box = self.new("div", "answer")
        box.append(self.new("p", "answer__label", TEXTS["answer_label"].format(title=title)))
        content = details.select_one(".sd-summary-content") or details
        for child in list(content.children):
            box.append(child)
        details.replace_with(box)

    def keep_headings(self, holder: Tag) -> None:
        """Keep a heading, or a paragraph that ends in a colon, on the page of the block it leads to."""
        blocks = ("table", "figure", "div")
        for lead in holder.find_all(["h2", "p"]):
            if lead.parent is None or lead.find_parent(class_="keep"):
                continue
            if lead.name == "p" and not _words(lead).endswith(":"):
                continue
            group = [lead]
            for sib in lead.find_next_siblings():
                if sib.name == "p" and len(group) < 3:
                    group.append(sib)
                    continue
                if sib.name in blocks or sib.find(["table", "figure"]):
                    group.append(sib)
                break
            if len(group) < 2 or group[-1].name == "p":
                continue
            last = group[-1]
            if "keep" in (last.get("class") or []):
                for node in reversed(group[:-1]):
                    last.insert(0, node.extract())
            else:
                keep = self.new("div", "keep")
                lead.insert_before(keep)
                for node in group:
                    keep.append(node.extract())

    def quiz(self, quiz: Tag) -> None:
        self.questions += 1
        box = self.new("div", "quiz")
        legend = quiz.find("legend")
        head = self.new("p", "quiz__question")
        head.append(self.new("span", "question__label",
                             TEXTS["question_label"].format(n=self.questions) + " "))
        for child in list(legend.children):
            head.append(child)
        box.append(head)
        options = self.new("ul", "quiz__options")
        feedback = {fb.get("data-option"): fb for fb in quiz.select(".plro-quiz__feedback")}
        for radio in quiz.find_all("input"):
            label = quiz.find("label", attrs={"for": radio.get("id")})
            item = self.new("li", "quiz__option")
            item.append(self.new("span", "quiz__box", ""))
            for child in list(label.children):
                item.append(child)
            if self.facilitator:
                if radio.get("data-correct"):
                    item["class"] = "quiz__option quiz__option--correct"
                    item.append(self.new("strong", "quiz__mark", f" ✓ {TEXTS['correct_mark']}"))
                fb = feedback.get(radio.get("value"))
                if fb is not None:
                    note = self.new("div", "quiz__feedback")
                    for child in list(fb.children):
                        note.append(child)
                    item.append(note)
            options.append(item)
        box.append(options)
        if not self.facilitator:
            box.append(self.notes(2))
        quiz.replace_with(box)
        self.keep_with_lead(box)

    def part(self, key: str, nodes: list[Tag]) -> Part:
        holder = self.new("section", f"part part--{key}")
        for node in nodes:
            holder.append(node.extract())
        for sel in DROP:
            for el in holder.select(sel):
                el.decompose()
        for cell in holder.select("div.cell"):
            if not _words(cell) and not cell.find(["img", "table"]):
                cell.decompose()
        for fig in holder.select("figure"):
            self.figure(fig)
        for table in holder.select("table"):
            _tidy_table(table)
        for box in holder.select("div.admonition"):
            if "question" in _words(box.select_one(".admonition-title") or box).lower():
                self.question(box)
        for details in holder.select("details"):
            self.answer(details)
        for quiz in holder.select(".plro-quiz"):
            self.quiz(quiz)
        self.keep_headings(holder)
        _drop_web_only(holder)
        cited = self.links(holder)
        for span in holder.select(".bibtex-citation, .pasted-text, .xref"):
            span.unwrap()
        for div in holder.select("div.cell, div.cell_output, div.output, div.text_html"):
            div.unwrap()
        return Part(key=key, html=str(holder), citations=cited)


def read_case(site_dir: str | Path, facilitator: bool, repo: Path | None = None) -> Case:
    """The case page of a built site, rewritten for one edition (see the module docstring)."""
    site = Path(site_dir).resolve()
    page = site / CASE_PAGE
    if not site.is_dir():
        raise HandoutError(f"site directory {site} not found: build the book first (make book)")
    if not page.is_file():
        raise HandoutError(f"{page} not found: is the seminar case in the table of contents?")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    top = soup.select_one("article section")
    if top is None or top.find("h1") is None:
        raise HandoutError(f"{page} has no titled article: is it the seminar case?")
    title = _words(top.find("h1")).rstrip("#").strip()

    records, paper = cited_records(top, repo, page)
    rw = _Rewriter(site, soup, facilitator)
    printed = [f for f in top.select("figure[id]") if facilitator or f.find_parent("details") is None]
    rw.figures = {fig["id"]: i + 1 for i, fig in enumerate(printed)}
    sections = top.find_all("section", recursive=False)
    intro = [n for n in top.children if isinstance(n, Tag) and n.name != "section"]
    parts = [rw.part("intro", intro)]
    for sec in sections:
        anchor = sec.find("span", id=True, recursive=False)
        ident = anchor["id"] if anchor else sec.get("id", "")
        if ident.startswith("case-stage-"):
            parts.append(rw.part(ident.removeprefix("case-"), [sec]))
        elif ident == "case-quiz":
            parts.append(rw.part("quiz", [sec]))
        elif ident == "case-key-points" and facilitator:
            heading = sec.find(["h2", "h3"])
            if heading:
                heading.string = TEXTS["key_points_title"]
            for details in sec.select("details"):
                (details.select_one(".sd-summary-content") or details).unwrap()
            for el in sec.select("details, summary"):
                el.unwrap() if el.name == "details" else el.decompose()
            parts.append(rw.part("key-points", [sec]))
    if sum(p.key.startswith("stage-") for p in parts) < 2:
        raise HandoutError(f"{page} has fewer than two case stages (sections labelled case-stage-N)")
    return Case(title=title, parts=parts, records=records, paper_label=paper, licence=TEXTS["licence"])

