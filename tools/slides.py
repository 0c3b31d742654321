"""The seminar case as reveal.js slides, made with ``jupyter nbconvert --to slides``.

Usage (``make slides`` runs the first; every HTML build of the site runs it too, through
``book/_ext/plro_downloads.py``, when the slides are older than their sources)::

    python -m tools.slides [--out _build/html/slides/seminar.html]
    python -m tools.slides --vendor     # fetch the assets again from npm (tools/slides/README.md)

The committed notebook is never edited. Its cells are read and a temporary notebook is
written in which every cell carries the reveal.js slide type that nbconvert reads
(``metadata.slideshow.slide_type``); that notebook goes through ``jupyter nbconvert --to
slides`` with the small template in ``tools/slides/template`` (nbconvert's ``reveal``
template without the parts that load only from a CDN) and the assets vendored in
``tools/slides/vendor``, which are copied beside the slides. Nothing is loaded from another
host, so the slides work offline. The mapping is read from the notebook's own structure:

- the ``#`` heading and what precedes the first ``##`` heading make the title slide, with
  links to the case page and the facilitator guide on the site;
- every ``##`` heading starts a slide group (a column of reveal.js slides); a *stage* is a
  ``##`` heading with "Stage N" in it; a ``###`` heading starts a new slide in the group;
- a question is an admonition whose title has "question" in it (or an ``{exercise}``); an
  answer is any drop-down: ``{dropdown}``, ``{toggle}``, ``{solution}`` or an admonition with
  ``:class: dropdown``. Each question and each answer gets a slide of its own, in the
  notebook's order, so every answer comes after its question; a long answer continues on
  further slides, and text that follows an answer starts a new slide;
- each figure (a cell whose output is an image; its caption and alt text from the cell's
  ``mystnb`` metadata) gets a slide, numbered "Figure 1", "Figure 2", ...; tables (HTML
  outputs) stay with the text around them; code, helper output and glue records are left
  out;
- each ``{quiz}`` becomes a question slide (the options lettered A, B, ...) and an answer
  slide (the correct option and its feedback). Questions are numbered as the printed handout
  numbers them (``tools/handout``): one count over the room's questions and the quiz, so
  after eight questions for the room the quiz is "Question 9" to "Question 12";
- the speaker notes of every slide of stage N (``<aside class="notes">``, reveal.js's notes
  plugin: press S) are the facilitator guide's prompts for stage N: the paragraphs that
  start with a bold "Stage N" in its section on prompts. Every other slide gets the guide's
  timed-plan rows for it (the title slide "Opening", the key points "Close"), else a short
  cue for its kind of slide from ``tools/slides/deck.json``;
- phrases that speak to a web reader ("stay folded below the question", "Open after the
  quiz") are reworded for the slides as ``deck.json`` lists them.

MyST markup becomes plain Markdown: ``{glue:text}`` takes the value stored in the notebook,
``{term}``, ``{ref}`` and ``{abbr}`` their text, ``{cite:p}`` an author-year citation from
``book/references.bib`` (the cited works are listed on a last slide), ``{numref}`` the
figure's slide number, ``{doc}`` a link to the page on the site. The slides carry no
MathJax: a slide with maths raises :class:`SlidesError` (the README says what to add).
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = [
    "CASE_NOTEBOOK", "GUIDE", "SITE_PATH", "Slide", "SlidesError", "build_if_outdated",
    "build_slides", "finish_slides", "glue_values", "load_wording", "main", "parse_blocks",
    "plan_rows", "plan_slides", "refresh_vendor", "reword", "stage_prompts",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
CASE_NOTEBOOK = "notebooks/07-seminar-case.ipynb"
"""The seminar case, relative to the repository root."""
GUIDE = "book/teaching/facilitator-guide.md"
"""The facilitator guide, whose prompts become the speaker notes."""
BIBLIOGRAPHY = "book/references.bib"
SITE_PATH = "slides/seminar.html"
"""Where the slides are served, relative to the site root."""
ASSETS = Path(__file__).with_name("slides")
TEMPLATE_DIR, TEMPLATE, VENDOR = ASSETS / "template", "plro-reveal", ASSETS / "vendor"
MANIFEST = VENDOR / "manifest.json"
DECK = ASSETS / "deck.json"
"""The slides' own wording: web-only phrases to reword, and the speaker notes' cues."""
BUDGET = 1150
"""How much text (characters, plus :data:`BLOCK_COST` per paragraph) fits on one slide."""
BLOCK_COST = 60

ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}`(?P<content>[^`]*)`")
TITLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})\{(?P<name>[^}\s]+)\}[ \t]*(?P<arg>.*)$")
CODE_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
STAGE = re.compile(r"\bStage\s+(\d+)\b")
MATHS = re.compile(r"(?<![\\\w])\$[^\s$][^$\n]*\$|\{math\}|\$\$")
LIST_ITEM = re.compile(r"(?:[-*]|\d+\.) ")
OPTION = re.compile(r"^- \[(?P<mark>[ xX])\]\s+(?P<text>.+)$")
ANSWERS = {"dropdown", "toggle", "solution", "solution-start"}
ORIGIN = ('<p class="plro-origin">From the book: <a href="../{case}">the case page</a> and '
          '<a href="../{guide}">the facilitator guide</a>. Press <kbd>S</kbd> for the speaker '
          "notes.</p>").format(case=CASE_NOTEBOOK.replace(".ipynb", ".html"),
                               guide=GUIDE.replace(".md", ".html"))


class SlidesError(RuntimeError):
    """The slides cannot be built; the message names the file, the cell and the problem."""


@dataclass
class Directive:
    """One MyST directive of a Markdown cell: ``name``, its argument, options and body."""

    name: str
    arg: str
    options: dict[str, str]
    body: str

    @property
    def kind(self) -> str:
        """``answer``, ``question``, ``quiz``, ``figure`` or ``box`` (anything else)."""
        classes = self.options.get("class", "").split()
        if self.name in ANSWERS or "dropdown" in classes:
            return "answer"
        if self.name.startswith("exercise") or (self.name == "admonition"
                                                and "question" in self.arg.lower()):
            return "question"
        return self.name if self.name in {"quiz", "figure", "image"} else "box"


def parse_blocks(text: str) -> list[str | Directive]:
    """Split MyST Markdown into plain-Markdown runs (``str``) and :class:`Directive` blocks."""
    lines, blocks, run, i = text.splitlines(), [], [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        code = None if match else CODE_FENCE.match(lines[i])
        if not (match or code):
            run.append(lines[i])
            i += 1
            continue
        fence = (match or code)["fence"]
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip()
                    and set(lines[j].strip()) == {fence[0]} and len(lines[j].strip()) >= len(fence)),
                   len(lines))
        if code:
            run += lines[i:end + 1]
        else:
            if run:
                blocks.append("\n".join(run))
                run = []
            body, options = lines[i + 1:end], {}
            if body and body[0].strip() == "---":
                close = next((k for k in range(1, len(body)) if body[k].strip() == "---"), 0)
                options = {k.strip(): v.strip() for k, _, v in
                           (ln.partition(":") for ln in body[1:close])}
                body = body[close + 1:]
            while body and re.match(r"^:[\w-]+:", body[0]):
                key, _, value = body.pop(0)[1:].partition(":")
                options[key] = value.strip()
            blocks.append(Directive(match["name"], match["arg"].strip(), options, "\n".join(body)))
        i = end + 1
    if run:
        blocks.append("\n".join(run))
    return blocks


def glue_values(nb) -> dict[str, str]:
    """The plain-text value of every ``glue`` record stored in the notebook's outputs."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            prefix = output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix", "")
            text = output.get("data", {}).get(f"{prefix}text/plain")
            if name and text is not None:
                values[name] = text
    return values


def _format_glue(text: str, spec: str) -> str:
    """The text myst-nb shows for a glued ``text/plain`` value (its ``format_plain_text``)."""
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(text, spec)


def _entry_label(entry) -> tuple[str, str]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "")
             for p in people]
    who = (names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2
           else f"{names[0]} et al." if names else entry.fields.get("title", "Anon."))
    return who, str(entry.fields.get("year") or "n.d.")


@dataclass
class Resolver:
    """Turns the MyST roles of one source file into plain Markdown for the slides."""

    source: str
    glue: dict[str, str]
    bibliography: object
    root: Path
    figures: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)

    def _link(self, target: str, text: str | None) -> str:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.source), target))
        path = posixpath.splitext(path)[0]
        if text is None:
            text = _doc_title(self.root, path) or posixpath.basename(path)
        href = posixpath.relpath(f"{path}.html", posixpath.dirname(SITE_PATH))
        return f"[{text}]({href})"

    def _cite(self, kind: str, keys: str) -> str:
        labels = []
        for key in (k.strip() for k in keys.split(",")):
            if key not in self.bibliography.entries:
                raise SlidesError(f"{self.source}: {{cite}} key {key!r} is not in {BIBLIOGRAPHY}")
            if key not in self.cited:
                self.cited.append(key)
            labels.append(_entry_label(self.bibliography.entries[key]))
        if kind.endswith("t"):
            return "; ".join(f"{who} [{year}]" for who, year in labels)
        return "[" + "; ".join(f"{who}, {year}" for who, year in labels) + "]"

    def role(self, match: re.Match) -> str:
        """The plain text (or Markdown link) that one matched role stands for."""
        name, content = match["name"], match["content"]
        titled = TITLED.match(content)
        text, target = (titled["text"], titled["target"]) if titled else (None, content)
        if name.startswith("glue"):
            key, _, spec = content.partition(":")
            if key not in self.glue:
                raise SlidesError(f"{self.source}: {{glue}} name {key!r} has no stored value "
                                  "(run the notebook: make notebooks)")
            value = _format_glue(self.glue[key], spec)
            return value if name == "glue:md" else html.escape(value, quote=False)
        if name.startswith("cite"):
            return self._cite(name, content)
        if name == "numref":
            number = self.figures.get(target)
            label = f"Figure {number}" if number else "a figure of the book"
            return (text or "").replace("%s", str(number)) if text and number else label
        if name == "doc":
            return self._link(target, text)
        if name in {"sub", "sup"}:
            return f"<{name}>{content}</{name}>"
        if name == "math":
            raise SlidesError(f"{self.source}: maths ({match[0]}) needs MathJax, which the slides "
                              "do not carry (see tools/slides/README.md)")
        if name == "abbr":
            return re.sub(r"\s*\(.*\)$", "", content)
        if name == "ref":
            return text or self.labels.get(target) or target.replace("-", " ")
        return text if text is not None else target

    def markdown(self, text: str) -> str:
        """Plain Markdown for a run of MyST Markdown (labels, comments and roles resolved)."""
        text = "\n".join(ln for ln in text.splitlines()
                         if not re.match(r"^\s*(\([^)\s]+\)=|%|\+\+\+)", ln))
        text = ROLE.sub(self.role, text)
        if MATHS.search(re.sub(r"`[^`]*`", "", text)):
            raise SlidesError(f"{self.source}: this text has maths, which needs MathJax; the "
                              f"slides carry none (see tools/slides/README.md): {text[:80]!r}")
        return text.strip()

    def flatten(self, blocks: list[str | Directive]) -> str:
        """Markdown for blocks inside an answer or box: nested directives become quotes."""
        parts = []
        for block in blocks:
            if isinstance(block, str):
                parts.append(self.markdown(block))
            else:
                inner = self.flatten(parse_blocks(block.body))
                title = f"**{self.markdown(block.arg)}**\n\n" if block.arg else ""
                parts.append("\n".join("> " + ln if ln else ">"
                                       for ln in (title + inner).splitlines()))
        return "\n\n".join(p for p in parts if p)


def _doc_title(root: Path, docname: str) -> str | None:
    for suffix in (".md", ".ipynb"):
        path = root / f"{docname}{suffix}"
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if suffix == ".ipynb":
                text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"]
                                 if c["cell_type"] == "markdown")
            found = re.search(r"^# (.+)$", text, re.M)
            return found[1].strip() if found else None
    return None


def stage_prompts(guide_text: str) -> dict[int, list[str]]:
    """The facilitator guide's prompts by stage number: paragraphs starting "**Stage N".

    Only the sections whose heading mentions prompts are read when there are any (the
    guide's timed plans and figure lists also name stages); the bold label is dropped.
    """
    sections = re.split(r"^(?=#{1,6} )", guide_text, flags=re.M)
    chosen = [s for s in sections if re.match(r"#{1,6} .*prompt", s, re.I)] or [guide_text]
    prompts: dict[int, list[str]] = {}
    for section in chosen:
        for paragraph in re.split(r"\n\s*\n", section):
            found = re.match(r"^\s*(?:[-*]\s+)?\*\*Stage (\d+)\b[^*]*\*\*\s*(.*)$",
                             paragraph, re.S)
            if found and found[2].strip():
                prompts.setdefault(int(found[1]), []).append(found[2].strip())
    return prompts


def load_wording(path: Path = DECK) -> dict:
    """The slides' own wording (:data:`DECK`): web-only rewordings, sections and note cues."""
    try:
        wording = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SlidesError(f"cannot read {path}: {exc}") from exc
    missing = {"title", "content"} - set(wording.get("cues", {}))
    if missing:
        raise SlidesError(f"{path}: no cue for {sorted(missing)}")
    return wording


def plan_rows(guide_text: str) -> dict[str, list[str]]:
    """The "What happens" cell of the guide's timed plans by the row's Stage label.

    Read from the tables of sections whose heading has "plan" in it (the rows are
    ``| time | stage | what happens | on screen |``); each is prefixed with the plan's name.
    """
    rows: dict[str, list[str]] = {}
    for section in re.split(r"^(?=#{1,6} )", guide_text, flags=re.M):
        heading = re.match(r"#{1,6} (.*plan.*)$", section, re.I | re.M)
        for line in section.splitlines() if heading else []:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.lstrip().startswith("|") and len(cells) >= 3 and cells[2] \
                    and not set(cells[0]) <= set("-: "):
                what = cells[2] if cells[2][-1:] in ".?!" else cells[2] + "."
                rows.setdefault(cells[1], []).append(f"{heading[1].strip()}: {what}")
    return rows


def reword(markdown: str, rules: list[dict]) -> str:
    """``markdown`` with every web-only phrase of ``rules`` replaced by its slide wording."""
    for rule in rules:
        pattern = r"\s+".join(re.escape(word) for word in rule["page"].split())
        markdown = re.sub(pattern, lambda _m, new=rule["slides"]: new, markdown)
    return markdown


def finish_slides(slides: list[Slide], wording: dict, rows: dict[str, list[str]]) -> None:
    """Reword the web-only phrases on every slide and give every slide a speaker note.

    A slide without a prompt of its stage gets the guide's plan rows for its cue (see
    ``guide_rows`` in :data:`DECK`), else the cue's note, else its kind's, else "content"'s.
    """
    cues, labels = wording["cues"], wording.get("guide_rows", {})
    for slide in slides:
        for cell in slide.cells:
            if cell.cell_type == "markdown":
                cell.source = reword(cell.source, wording.get("web_only", []))
        if not slide.notes:
            slide.notes = list(rows.get(labels.get(slide.cue, ""), [])) or [
                cues.get(slide.cue) or cues.get(slide.kind) or cues["content"]]


@dataclass
class Slide:
    """One slide: what it is, the group and stage it belongs to, and its notebook cells."""

    kind: str
    group: int
    stage: int | None
    cells: list = field(default_factory=list)
    weight: int = 0
    notes: list[str] = field(default_factory=list)
    cue: str = ""
    """Which note of :data:`DECK` the slide gets when the guide has no prompt for it."""


def _weight(markdown: str) -> int:
    return len(re.sub(r"\]\([^)]*\)|[*_`>#]", "", markdown)) + BLOCK_COST * len(
        [p for p in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.) )", markdown) if p.strip()])


def _pieces(markdown: str) -> list[str]:
    """Paragraphs and list items of a Markdown text, the units a long text is split at."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        items = re.split(r"\n(?=(?:[-*]|\d+\.) )", paragraph)
        pieces += [p for p in items if p.strip()]
    return pieces


def _chunks(markdown: str, budget: int) -> list[str]:
    chunks, current = [], []
    for piece in _pieces(markdown):
        if current and _weight("\n\n".join(current + [piece])) > budget:
            chunks.append(current)
            current = []
        current.append(piece)
    chunks.append(current)
    return ["\n\n".join(_join_lists(c)) for c in chunks if c]


def _join_lists(pieces: list[str]) -> list[str]:
    """Keep neighbouring items of one list together, without a blank line between them."""
    out: list[str] = []
    for piece in pieces:
        if out and LIST_ITEM.match(piece) and LIST_ITEM.match(out[-1]):
            out[-1] += "\n" + piece
        else:
            out.append(piece)
    return out


def _md(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source)


def _kicker(text: str) -> str:
    return f'<p class="plro-kicker">{html.escape(text)}</p>\n\n' if text else ""


def _image(cell) -> tuple[str, str] | None:
    """The first image a code cell shows, as (MIME type, base64 data), or None."""
    for output in cell.get("outputs", []):
        for mime in ("image/png", "image/jpeg", "image/svg+xml"):
            data = output.get("data", {}).get(mime)
            if data and mime == "image/svg+xml":
                return mime, base64.b64encode(data.encode("utf-8")).decode("ascii")
            if data:
                return mime, data.strip()
    return None


def _figure_md(mime: str, data: str, number: int, caption: str, alt: str) -> str:
    alt = alt or caption or f"Figure {number}"
    return (f'<figure class="plro-figure"><img alt="{html.escape(alt)}" src="data:{mime};base64,'
            f'{data}">\n<figcaption><strong>Figure {number}.</strong> {html.escape(caption)}'
            "</figcaption></figure>")


def _table_cell(cell) -> nbformat.NotebookNode | None:
    kept = [o for o in cell.get("outputs", []) if o.get("output_type") in
            {"display_data", "execute_result"} and "text/html" in o.get("data", {})]
    return nbformat.v4.new_code_cell("", outputs=kept) if kept else None


class _Planner:
    """Walks the notebook's cells and lays them out as :class:`Slide` objects."""

    def __init__(self, resolver: Resolver, sections: dict[str, str]):
        self.resolver, self.sections = resolver, sections
        self.slides: list[Slide] = []
        self.group, self.stage, self.heading, self.questions, self.figures = -1, None, "", 0, 0

    def new(self, kind: str, top: str = "") -> Slide:
        slide = Slide(kind, self.group, self.stage, cue="title" if kind == "title" else
                      self.sections.get(self.heading.lower(), kind))
        if top:
            slide.cells.append(_md(top))
        self.slides.append(slide)
        return slide

    def open_slide(self) -> Slide:
        last = self.slides[-1] if self.slides else None
        if last is None or last.kind not in {"content", "title"} or last.group != self.group:
            return self.new("content", _kicker(self.heading) if self.slides else "")
        return last

    def text(self, markdown: str) -> None:
        for segment in re.split(r"^(?=#{1,6} )", markdown, flags=re.M):
            heading = HEADING.match(segment.split("\n", 1)[0])
            if heading:
                level, title = len(heading["level"]), heading["text"]
                rest = segment.split("\n", 1)[1] if "\n" in segment else ""
                if level == 1:
                    self.group, self.stage = self.group + 1, None
                    self.new("title", f"# {title}").cells.append(_md(ORIGIN))
                elif level == 2:
                    self.group, self.heading = self.group + 1, title
                    stage = STAGE.search(title)
                    self.stage = int(stage[1]) if stage else None
                    self.new("content", f"## {title}")
                else:
                    self.new("content", _kicker(self.heading) + f"### {title}")
                segment = rest
            for chunk in _chunks(segment.strip(), BUDGET) if segment.strip() else []:
                slide = self.open_slide()
                if slide.weight and slide.weight + _weight(chunk) > BUDGET:
                    slide = self.new("content", _kicker(self.heading))
                slide.cells.append(_md(chunk))
                slide.weight += _weight(chunk)

    def solo(self, kind: str, title: str, markdown: str, cue: str = "") -> None:
        chunks = _chunks(markdown, BUDGET) if markdown else [""]
        for n, chunk in enumerate(chunks):
            suffix = " (continued)" if n else ""
            slide = self.new(kind, _kicker(self.heading) + f"### {title}{suffix}\n\n{chunk}")
            slide.cue = cue or slide.cue

    def directive(self, block: Directive) -> None:
        body = self.resolver.flatten(parse_blocks(block.body))
        title = self.resolver.markdown(block.arg)
        if block.kind == "question":
            # One count for the room's questions and the quiz, as the handout numbers them.
            self.questions += 1
            numbered = re.sub(r"^Question(?:\s+\d+)?\b", f"Question {self.questions}",
                              title or "Question")
            self.solo("question", numbered, body)
        elif block.kind == "answer":
            self.solo("answer", title or "Answer", body)
        elif block.kind == "quiz":
            self.quiz_slides(block)
        elif block.kind in {"figure", "image"}:
            path = self.resolver.root / posixpath.dirname(self.resolver.source) / block.arg
            if not path.is_file():
                raise SlidesError(f"{self.resolver.source}: no image file {path}")
            mime = {".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(
                path.suffix.lower(), "image/png")
            self.figure(mime, base64.b64encode(path.read_bytes()).decode("ascii"),
                        block.body if block.kind == "figure" else "", block.options.get("alt", ""))
        else:
            self.text("\n".join(">" + (" " + ln if ln else "")
                                for ln in ((f"**{title}**\n\n" if title else "") + body).split("\n")))

    def quiz_slides(self, block: Directive) -> None:
        self.questions += 1
        stem, options = [], []
        for line in block.body.splitlines():
            option = OPTION.match(line)
            if option:
                options.append([option["mark"] != " ", option["text"], []])
            elif options and line.strip():
                options[-1][2].append(line.strip())
            elif not options:
                stem.append(line)
        if not options or sum(o[0] for o in options) != 1:
            raise SlidesError(f"{self.resolver.source}: quiz {block.arg!r} needs options with "
                              "exactly one marked [x]")
        letters = "ABCDEFGH"
        md = self.resolver.markdown
        listed = "\n\n".join(f"**{letters[i]}.** {md(o[1])}" for i, o in enumerate(options))
        self.solo("question", f"Question {self.questions}", f"{md(chr(10).join(stem))}\n\n{listed}",
                  "quiz_question")
        right = next(i for i, o in enumerate(options) if o[0])
        self.solo("answer", f"Answer to question {self.questions}",
                  f"**{letters[right]}.** {md(options[right][1])}\n\n"
                  f"{md(' '.join(options[right][2]))}", "quiz_answer")

    def figure(self, mime: str, data: str, caption: str, alt: str) -> None:
        self.figures += 1
        self.new("figure", _kicker(self.heading)).cells.append(
            _md(_figure_md(mime, data, self.figures, self.resolver.markdown(caption), alt)))

    def code(self, cell) -> None:
        image = _image(cell)
        if image is not None:
            meta = cell.metadata.get("mystnb", {})
            self.figure(*image, meta.get("figure", {}).get("caption", ""),
                        meta.get("image", {}).get("alt", ""))
            return
        table = _table_cell(cell)
        if table is not None:
            slide = self.open_slide()
            rows = sum(o["data"]["text/html"].count("<tr") for o in table.outputs)
            if slide.weight and slide.weight + 45 * rows + 100 > BUDGET:
                slide = self.new("content", _kicker(self.heading))
            slide.cells.append(table)
            slide.weight += 45 * rows + 100


def _shown(cell) -> bool:
    tags = set(cell.metadata.get("tags", []))
    return cell.cell_type != "raw" and "remove-cell" not in tags and not (
        cell.cell_type == "code" and "remove-output" in tags)


def _targets(nb) -> tuple[dict[str, int], dict[str, str]]:
    """Figure names with their slide numbers, and section labels with their titles."""
    figures: dict[str, int] = {}
    labels: dict[str, str] = {}
    for cell in filter(_shown, nb.cells):
        source = "".join(cell.source)
        if cell.cell_type == "code" and _image(cell):
            name = cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
            figures[name or f"unnamed-{len(figures)}"] = len(figures) + 1
        for block in parse_blocks(source) if cell.cell_type == "markdown" else []:
            if isinstance(block, Directive) and block.kind == "figure":
                figures[block.options.get("name") or f"unnamed-{len(figures)}"] = len(figures) + 1
            elif isinstance(block, str):
                labels.update(re.findall(r"^\(([^)\s]+)\)=\s*\n#+\s+(.+)$", block, re.M))
    return figures, labels


def plan_slides(nb, resolver: Resolver, prompts: dict[int, list[str]],
                wording: dict | None = None) -> list[Slide]:
    """Lay a notebook out as slides (see the module docstring), with notes on stage slides;
    ``wording`` (default :data:`DECK`) names the cue of each section's slides."""
    resolver.figures, resolver.labels = _targets(nb)
    wording = load_wording() if wording is None else wording
    planner = _Planner(resolver, wording.get("sections", {}))
    for cell in filter(_shown, nb.cells):
        if cell.cell_type == "code":
            planner.code(cell)
            continue
        for block in parse_blocks("".join(cell.source)):
            if isinstance(block, str):
                planner.text(resolver.markdown(block))
            else:
                planner.directive(block)
    slides = planner.slides
    if not any(s.stage for s in slides):
        raise SlidesError(f"{resolver.source}: no stage (a '## Stage N: ...' heading) found")
    for slide in slides:
        slide.notes = list(prompts.get(slide.stage, [])) if slide.stage else []
    return slides


def _sources_slides(resolver: Resolver, group: int) -> list[Slide]:
    lines = []
    entries = resolver.bibliography.entries
    for key in sorted(resolver.cited, key=lambda k: _entry_label(entries[k])):
        entry = entries[key]
        who, year = _entry_label(entry)
        where = entry.fields.get("journal") or entry.fields.get("note") or ""
        title = re.sub(r"[{}]", "", entry.fields.get("title", ""))
        lines.append(f"- {who} ({year}). {title}. *{re.sub(r'[{}]', '', where)}*." if where
                     else f"- {who} ({year}). {title}.")
    slides, chunk = [], []
    for line in lines + [None]:
        if line is None or (chunk and _weight("\n".join(chunk + [line])) > BUDGET * 2):
            top = "## Sources" if not slides else _kicker("Sources") + "### Sources (continued)"
            top = '<div class="plro-sources">\n\n' + top
            slides.append(Slide("sources", group, None,
                                [_md(top + "\n\n" + "\n".join(chunk) + "\n\n</div>")], cue="sources"))
            chunk = []
        if line is not None:
            chunk.append(html.escape(line, quote=False))
    return slides if lines else []


def _notebook(slides: list[Slide], title: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({"title": title, "kernelspec": {"name": "python3", "display_name": "Python 3",
                                                       "language": "python"},
                        "plro": {"icon": "../_static/favicon.svg"}})
    previous_group = None
    for slide in slides:
        for index, cell in enumerate(slide.cells):
            kind = "-" if index else ("slide" if slide.group != previous_group else "subslide")
            data = {"plro_kind": slide.kind, "plro_group": str(slide.group)}
            if slide.stage:
                data["plro_stage"] = str(slide.stage)
            cell.metadata["slideshow"] = {"slide_type": kind, "data": data} if not index else \
                {"slide_type": kind}
            nb.cells.append(cell)
        previous_group = slide.group
        for prompt in slide.notes:
            note = _md(prompt)
            note.metadata["slideshow"] = {"slide_type": "notes"}
            nb.cells.append(note)
    return nb


def _nbconvert(nb, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "seminar.ipynb"
        nbformat.write(nb, source)
        prefix = "vendor"
        done = subprocess.run(
            [sys.executable, "-m", "nbconvert", "--to", "slides", str(source),
             "--output-dir", str(out.parent), "--output", out.stem,
             f"--TemplateExporter.extra_template_basedirs={TEMPLATE_DIR}",
             f"--template={TEMPLATE}",
             f"--SlidesExporter.reveal_url_prefix={prefix}/reveal.js",
             f"--HTMLExporter.require_js_url={prefix}/requirejs/require.js",
             f"--HTMLExporter.jquery_url={prefix}/jquery/dist/jquery.slim.min.js",
             "--SlidesExporter.reveal_theme=white", "--SlidesExporter.reveal_scroll=True",
             "--SlidesExporter.reveal_transition=slide",
             "--SlidesExporter.reveal_width=1280", "--SlidesExporter.reveal_height=720",
             "--TemplateExporter.exclude_input=True", "--TemplateExporter.exclude_input_prompt=True",
             "--TemplateExporter.exclude_output_prompt=True", "--HTMLExporter.exclude_anchor_links=True"],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise SlidesError(f"jupyter nbconvert --to slides failed:\n{done.stderr[-2000:]}")
    produced = out.parent / f"{out.stem}.slides.html"
    if produced != out:
        produced.replace(out)


def _copy_vendor(target: Path) -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for package in manifest["packages"]:
        for name in package["files"]:
            source = VENDOR / package["dir"] / name
            if not source.is_file():
                raise SlidesError(f"{source} is missing: run `python -m tools.slides --vendor`")
            dest = target / package["dir"] / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)


def build_slides(out: Path, root: Path = REPO_ROOT) -> Path:
    """Build the seminar slides at ``out`` (an HTML file) with their assets in ``vendor/``."""
    from pybtex.database import parse_file

    case = root / CASE_NOTEBOOK
    try:
        nb = nbformat.read(case, as_version=4)
        guide_text = (root / GUIDE).read_text(encoding="utf-8")
        bibliography = parse_file(str(root / BIBLIOGRAPHY))
    except (OSError, ValueError) as exc:
        raise SlidesError(f"cannot read the slides' sources: {exc}") from exc
    resolver = Resolver(CASE_NOTEBOOK, glue_values(nb), bibliography, root)
    notes = Resolver(GUIDE, {}, bibliography, root, cited=resolver.cited)
    prompts = {stage: [notes.markdown(p) for p in found]
               for stage, found in stage_prompts(guide_text).items()}
    wording = load_wording(root / DECK.relative_to(REPO_ROOT))
    slides = plan_slides(nb, resolver, prompts, wording)
    silent = sorted({s.stage for s in slides if s.stage} - set(prompts))
    if silent:
        print(f"slides: the facilitator guide has no prompts for stage(s) {silent}", file=sys.stderr)
    slides += _sources_slides(resolver, slides[-1].group + 1)
    rows = {label: [notes.markdown(r) for r in found] for label, found in plan_rows(guide_text).items()}
    finish_slides(slides, wording, rows)
    title = next((c.source[2:] for s in slides if s.kind == "title" for c in s.cells), "Seminar")
    _nbconvert(_notebook(slides, title), out)
    _copy_vendor(out.parent / "vendor")
    return out


def _sources(root: Path) -> list[Path]:
    found = [root / CASE_NOTEBOOK, root / GUIDE, root / BIBLIOGRAPHY, Path(__file__)]
    return found + [p for p in ASSETS.rglob("*") if p.is_file()]


def build_if_outdated(out: Path, root: Path = REPO_ROOT) -> bool:
    """Build the slides unless ``out`` is newer than all their sources; True if built."""
    if out.is_file() and all(p.stat().st_mtime <= out.stat().st_mtime for p in _sources(root)):
        return False
    build_slides(out, root)
    return True


def refresh_vendor(manifest_path: Path = MANIFEST, vendor: Path = VENDOR) -> None:
    """Fetch every package of the manifest from npm (``npm pack``) and copy its listed files
    into ``vendor``, dropping the manifest's ``drop_lines``; record each file's sha256."""
    import hashlib
    import tarfile

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        for package in manifest["packages"]:
            spec = f"{package['name']}@{package['version']}"
            done = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise SlidesError(f"npm pack {spec} failed: {done.stderr.strip()}")
            with tarfile.open(Path(tmp) / done.stdout.strip().splitlines()[-1]) as tar:
                for name in package["files"]:
                    data = tar.extractfile(f"package/{name}").read().decode("utf-8")
                    for line in package.get("drop_lines", {}).get(name, []):
                        if line not in data:
                            raise SlidesError(f"{spec} {name}: the line to drop is gone: {line}")
                        data = data.replace(line + "\n", "")
                    dest = vendor / package["dir"] / name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_text(data, encoding="utf-8")
                    package["files"][name] = hashlib.sha256(dest.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.slides [--out HTML] | --vendor``."""
    parser = argparse.ArgumentParser(prog="python -m tools.slides",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("_build/html") / SITE_PATH)
    parser.add_argument("--vendor", action="store_true",
                        help="fetch the vendored assets from npm again (needs npm and the network)")
    args = parser.parse_args(argv)
    try:
        if args.vendor:
            refresh_vendor()
            print(f"vendored assets refreshed in {VENDOR}")
            return 0
        out = build_slides(args.out)
    except SlidesError as exc:
        print(f"slides: {exc}", file=sys.stderr)
        return 1
    print(f"slides written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
