"""The printed seminar handouts (``python -m tools.handout``), checked on the PDFs themselves.

What the PDFs must and must not hold is read independently of ``tools.handout``: the stage
headings, questions for the room, answer blocks, quiz feedback and figure captions come from
the notebook source (``notebooks/07-seminar-case.ipynb``), the paper's record from
``book/references.bib``, and the phrases no print may carry are those of the brief (web-only
instructions). The PDFs' text is read with pypdf.

The PDFs are printed once per test session from ``$PLRO_SITE_DIR`` into a temporary folder.
``$PLRO_HANDOUT_DIR`` points the checks at PDFs already printed instead (for example
``_build`` after ``make handout``, or a folder of deliberately broken PDFs, to see the checks
fail).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.support.site import REPO_ROOT as ROOT
from tests.support.site import site_dir
from tools import chromium

NOTEBOOK = ROOT / "notebooks" / "07-seminar-case.ipynb"
CARDS = sorted((ROOT / "notebooks").glob("card-patient-*.ipynb"))
"""The case card notebooks: each is printed as ``handout-card-N.pdf`` (answers in the key)."""
CASE_PAGE = "notebooks/07-seminar-case.html"
EDITIONS = ("handout-participants.pdf", "handout-facilitator.pdf")
WEB_ONLY = ["show code", "cell source", "click", "choose an answer", "open the toggle", "toggle",
            "learner kit", "seminar slides", "download", "press s", "open after the quiz"]
"""Phrases that only make sense on the web page (the brief's list, and the page's own)."""
DIAGNOSIS = re.compile(r"osteoporo|\bplro\b|pregnancy and lactation")
"""Words that name the diagnosis (after :func:`_norm`)."""


def _norm(text: str) -> str:
    """Lower-case words only: PDF text extraction breaks lines and spacing unpredictably."""
    text = unicodedata.normalize("NFKC", text)  # ligatures such as "fi" back to letters
    text = re.sub(r"-\s*\n\s*", "-", text)
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _markdown_cells(notebook: Path = NOTEBOOK) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _strip_roles(text: str, glue: str = " ") -> str:
    """Prose of MyST text: roles reduced to their display text, glue (to ``glue``) and citations dropped."""
    text = re.sub(r"\{glue:[a-z]*\}`[^`]*`", glue, text)
    text = re.sub(r"\{cite:[pt]\}`[^`]*`", " ", text)
    return re.sub(r"\{[\w:]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", text)


def stage_headings() -> list[str]:
    """The '## ...' heading that follows each '(case-stage-N)=' label in the notebook."""
    return [m.group(1).strip() for src in _markdown_cells()
            for m in re.finditer(r"^\(case-stage-\d+\)=\s*\n##\s+(.+)$", src, flags=re.M)]


def _blocks(pattern: str, glue: str = " ", notebook: Path = NOTEBOOK) -> list[str]:
    return [_strip_roles(m.group(1), glue) for src in _markdown_cells(notebook)
            for m in re.finditer(pattern, src, flags=re.M | re.S)]


def card_title(card: Path) -> str:
    """The card's '# ...' title (its printed header)."""
    return re.search(r"^# (.+)$", _markdown_cells(card)[0], flags=re.M).group(1)


def card_questions(card: Path) -> list[str]:
    """The text of every 'Question N' admonition of a card (glue values as '|')."""
    return _blocks(r"^:::\{admonition\} Question \d+\n:class: [^\n]*\n(.*?)^:::\s*$", "|", card)


def card_answers(card: Path) -> list[str]:
    """The body of every folded 'Answer N' admonition of a card."""
    return _blocks(r"^:::\{admonition\} Answer \d+\n:class: dropdown\n(.*?)^:::\s*$", " ", card)


def bib_notes() -> list[str]:
    """Every ``note`` field of ``book/references.bib`` (notes are for the book, not the print)."""
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    notes = re.findall(r"\bnote\s*=\s*\{(.*?)\}\s*,?\s*$", bib, flags=re.M)
    return [n.replace("{", "").replace("}", "") for n in notes]


def answer_texts() -> list[str]:
    """The body of every ``{dropdown}`` block (answers, what the series did, key points)."""
    return _blocks(r"^:::\{dropdown\}[^\n]*\n(.*?)^:::\s*$")


def questions() -> list[str]:
    """The text of every 'Question for the room' admonition, in page order (glue values as '|')."""
    return _blocks(r"^:::\{admonition\} Question for the room\n:class: [^\n]*\n(.*?)^:::\s*$", "|")


def _ends(question: str) -> tuple[str, str]:
    """Six words from the start and from the end of a question, from runs without glue values."""
    parts = [_norm(p).split() for p in question.split("|")]
    first = next(p for p in parts if len(p) >= 6)
    return " ".join(first[:6]), " ".join(parts[-1][-6:])


def quiz_feedback() -> list[str]:
    """The feedback line(s) under each quiz option (indented lines after '- [ ]' / '- [x]')."""
    return _blocks(r"^- \[[ x]\] [^\n]*\n((?:  \S[^\n]*\n?)+)")


def figure_captions() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return [c["metadata"]["mystnb"]["figure"]["caption"] for c in nb["cells"]
            if c.get("metadata", {}).get("mystnb", {}).get("figure")]


def runs(text: str, words: int = 6) -> list[str]:
    """Non-overlapping runs of ``words`` words of a text, for 'is this in the PDF?' checks."""
    tokens = _norm(text).split()
    return [" ".join(tokens[i:i + words]) for i in range(0, len(tokens) - words + 1, words)]


def _bib_entry(key: str) -> dict[str, str]:
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    body = re.search(r"@\w+\{" + re.escape(key) + r",(.*?)\n\}", bib, flags=re.S).group(1)
    return {k.lower(): v.replace("{", "").replace("}", "")
            for k, v in re.findall(r"(\w+)\s*=\s*\{(.*?)\},?\s*$", body, flags=re.M)}


def _read(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


@pytest.fixture(scope="module")
def handout_dir(tmp_path_factory) -> Path:
    """The folder of handout PDFs: ``$PLRO_HANDOUT_DIR``, or printed now from the built site."""
    given = os.environ.get("PLRO_HANDOUT_DIR")
    if given:
        out = Path(given)
    else:
        site = site_dir()
        if not (site / CASE_PAGE).is_file():
            pytest.fail(f"{site / CASE_PAGE} not found: build the book first (make book) or set "
                        "PLRO_SITE_DIR to a built site with the seminar case", pytrace=False)
        if chromium.find_chromium() is None:
            pytest.fail("no Chromium found: install Debian's 'chromium' or set PLRO_CHROMIUM",
                        pytrace=False)
        out = tmp_path_factory.mktemp("handout")
        result = subprocess.run([sys.executable, "-m", "tools.handout", str(site), str(out), "--by-stage"],
                                capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert result.returncode == 0, f"python -m tools.handout failed:\n{result.stderr}"
    return out


@pytest.fixture(scope="module")
def handouts(handout_dir) -> dict[str, list[str]]:
    """Page texts of every handout PDF, by file name."""
    out = handout_dir
    found = {p.name: _read(p) for p in sorted(out.glob("handout-*.pdf"))}
    missing = [n for n in EDITIONS if n not in found]
    assert not missing, f"missing from {out}: {missing}"
    return found


def _stage_sheets(handouts) -> list[str]:
    return [f"handout-stage-{i}.pdf" for i in range(1, len(stage_headings()) + 1)]


def card_sheets() -> dict[str, Path]:
    return {f"handout-card-{c.stem.removeprefix('card-patient-')}.pdf": c for c in CARDS}


def participants_prints(handouts) -> dict[str, str]:
    names = ["handout-participants.pdf", *_stage_sheets(handouts), "handout-quiz.pdf", *card_sheets()]
    return {n: _norm(" ".join(handouts[n])) for n in names if n in handouts}


def test_source_has_what_the_checks_look_for():
    """Guard for the checks below: the notebook holds stages, questions, answers, feedback."""
    assert len(stage_headings()) >= 5
    assert len(questions()) >= len(stage_headings())
    assert len(answer_texts()) >= 5 and all(len(runs(a)) >= 3 for a in answer_texts())
    assert len(quiz_feedback()) >= 8
    assert figure_captions()


@pytest.mark.browser
def test_every_page_says_page_n_of_n(handouts):
    for name, pages in handouts.items():
        for n, text in enumerate(pages, start=1):
            assert f"page {n} of {len(pages)}" in _norm(text), f"{name} page {n}: no 'Page {n} of N'"


@pytest.mark.browser
def test_header_and_footer_on_every_page(handouts):
    title = _norm(re.search(r"^# (.+)$", _markdown_cells()[0], flags=re.M).group(1))
    titles = {name: _norm(card_title(card)) for name, card in card_sheets().items()}
    for name, pages in handouts.items():
        header = titles.get(name, "case card" if name.startswith("handout-cards") else title)
        for n, text in enumerate(pages, start=1):
            words = _norm(text)
            assert header in words, f"{name} page {n}: no running header with {header!r}"
            assert "cc by 4 0" in words, f"{name} page {n}: no licence line"
            assert re.search(r"\b\d{1,2} [a-z]+ 20\d\d\b", words), f"{name} page {n}: no date"


@pytest.mark.browser
def test_footer_licence_fits_on_one_line(handouts):
    """The licence, 'not medical advice' and 'Page n of N' share one extracted line."""
    for name, pages in handouts.items():
        for n, text in enumerate(pages, start=1):
            lines = [_norm(line) for line in text.splitlines()]
            assert any("cc by 4 0" in line and "not medical advice" in line and f"page {n} of" in line
                       for line in lines), f"{name} page {n}: the footer wraps"


@pytest.mark.browser
def test_no_code_and_no_web_only_text(handouts):
    for name, pages in handouts.items():
        text = _norm(" ".join(pages))
        found = [p for p in WEB_ONLY if re.search(rf"\b{_norm(p)}\b", text)]
        assert not found, f"{name} holds web-only text: {found}"


@pytest.mark.browser
def test_participants_prints_hold_no_answer(handouts):
    cards = card_sheets()
    for name, text in participants_prints(handouts).items():
        answers = card_answers(cards[name]) if name in cards else answer_texts() + quiz_feedback()
        leaked = [r for a in answers for r in runs(a) if r in text]
        assert not leaked, f"{name}: answer or quiz feedback text printed: {leaked[:4]}"


@pytest.mark.browser
def test_facilitator_edition_holds_every_answer(handouts):
    text = _norm(" ".join(handouts["handout-facilitator.pdf"]))
    for block in answer_texts() + quiz_feedback():
        found = [r for r in runs(block, 4) if r in text]
        assert len(found) >= 0.8 * len(runs(block, 4)), f"answer missing: {block[:80]!r}"
    assert "facilitator s edition" in text


@pytest.mark.browser
def test_no_diagnosis_before_the_stage_5_question(handouts):
    stage_5_question = _ends(questions()[4])[0]
    text = participants_prints(handouts)["handout-participants.pdf"]
    assert stage_5_question in text, "the Stage 5 question is not in the participants' edition"
    before = text[: text.index(stage_5_question)]
    assert not DIAGNOSIS.search(before), f"diagnosis named early: {DIAGNOSIS.search(before)}"
    for n in range(1, 6):
        sheet = participants_prints(handouts).get(f"handout-stage-{n}.pdf")
        assert sheet is not None, f"no stage sheet {n}"
        assert not DIAGNOSIS.search(sheet), f"stage sheet {n} names the diagnosis"


@pytest.mark.browser
def test_notes_area_under_each_question_on_its_page(handouts):
    pages = [_norm(p) for p in handouts["handout-participants.pdf"]]
    for q in questions():
        start, end = _ends(q)
        page = next((p for p in pages if start in p), None)
        assert page is not None, f"question not found whole on one page: {q[:60]!r}"
        assert end in page, f"question split across pages: {q[:60]!r}"
        after = page[page.index(end) + len(end):]
        assert after.lstrip().startswith("notes"), f"no notes area right under: {q[:60]!r}"


@pytest.mark.browser
def test_one_sheet_per_stage(handouts):
    headings = [_norm(h) for h in stage_headings()]
    for n, heading in enumerate(headings, start=1):
        name = f"handout-stage-{n}.pdf"
        assert name in handouts, f"{name} not printed"
        text = _norm(" ".join(handouts[name]))
        others = [h for h in headings if h != heading and h in text]
        assert heading in text and not others, f"{name}: its stage {heading!r}, others {others}"


@pytest.mark.browser
def test_one_answer_free_sheet_per_card(handouts):
    assert len(CARDS) >= 4 and all(len(card_questions(c)) >= 2 for c in CARDS)
    assert all(len(card_answers(c)) == len(card_questions(c)) for c in CARDS)
    for name, card in card_sheets().items():
        assert name in handouts, f"{name} not printed"
        pages = [_norm(p) for p in handouts[name]]
        text = " ".join(pages)
        assert _norm(card_title(card)) in text and "question 1" in text
        for q in card_questions(card):
            start, end = _ends(q)
            page = next((p for p in pages if start in p), None)
            assert page is not None and end in page, f"{name}: question not whole on a page: {q[:60]!r}"
            assert page[page.index(end) + len(end):].lstrip().startswith("notes"), f"{name}: no notes"
        assert "answer 1" not in text and "click to hide" not in text


@pytest.mark.browser
def test_cards_facilitator_edition_holds_every_card_answer(handouts):
    assert "handout-cards-facilitator.pdf" in handouts, "no facilitator's edition of the cards"
    text = _norm(" ".join(handouts["handout-cards-facilitator.pdf"]))
    assert "facilitator s edition" in text
    for card in CARDS:
        assert _norm(card_title(card)) in text, f"{card.name}: card missing from the key"
        for block in card_answers(card):
            found = [r for r in runs(block, 4) if r in text]
            assert len(found) >= 0.8 * len(runs(block, 4)), f"{card.name} answer missing: {block[:80]!r}"


@pytest.mark.browser
def test_links_to_chapters_name_the_chapter_in_print(handouts):
    """Every '{doc}' link of the case's answers prints the linked chapter's own title."""
    text = _norm(" ".join(handouts["handout-facilitator.pdf"]))
    doc = r"\{doc\}`(?:[^`<]*<)?(\d\d-[\w-]+)>?`"
    targets = {m for src in _markdown_cells() for m in re.findall(doc, src)}
    assert targets
    for target in targets:
        title = _norm(_strip_roles(card_title(ROOT / "notebooks" / f"{target}.ipynb")))
        assert title in text, f"the chapter {target} is named in print without its title {title!r}"


@pytest.mark.browser
def test_no_bib_note_or_key_is_printed(handouts):
    notes = [n for n in bib_notes() if len(_norm(n).split()) >= 4]
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.M)
    assert notes and len(keys) >= 10, "references.bib has no notes or keys to check"
    for name, pages in handouts.items():
        text = _norm(" ".join(pages))
        printed = [n for n in notes if _norm(n) in text]
        assert not printed, f"{name} prints bib notes: {printed}"
        raw = re.sub(r"\s+", "", " ".join(pages)).lower()
        named = [k for k in keys if k.lower() in raw]
        assert not named, f"{name} prints internal bib keys: {named}"


@pytest.mark.browser
def test_reference_list_with_the_paper_and_cited_works(handouts):
    paper = _bib_entry("aytar_plro_case_series")
    for name in ("handout-participants.pdf", "handout-facilitator.pdf"):
        tail = _norm(" ".join(handouts[name]).split("References")[-1])
        for field in ("doi", "title", "journal", "volume", "year"):
            assert _norm(paper[field]) in tail, f"{name}: the paper's {field} not in its references"
    tail = _norm(" ".join(handouts["handout-facilitator.pdf"]).split("References")[-1])
    answers = " ".join(_markdown_cells())
    keys = {k.strip() for m in re.findall(r"\{cite:[pt]\}`([^`]*)`", answers) for k in m.split(",")}
    missing = [k for k in keys if " ".join(_norm(_bib_entry(k)["title"]).split()[:5]) not in tail]
    assert not missing, f"cited on the case page, not in the facilitator's references: {missing}"


@pytest.mark.browser
def test_figures_are_the_case_own_numbered_once(handouts):
    text = _norm(" ".join(handouts["handout-participants.pdf"]))
    captions = figure_captions()
    for n, caption in enumerate(captions, start=1):
        assert f"figure {n} {' '.join(_norm(caption).split()[:6])}" in text, f"figure {n} missing"
        assert text.count(" ".join(_norm(caption).split()[:8])) == 1, f"figure {n} printed twice"
    assert f"figure {len(captions) + 1} " not in text and "fig 1 1" not in text


@pytest.mark.browser
def test_all_text_prints_at_8_pt_or_more(handout_dir):
    """Every glyph run, figures' text included (the SVGs keep real text), is at least 8 pt."""
    from pypdf import PdfReader

    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes.append(size * math.sqrt(abs(a * d - b * c)))

    for name in EDITIONS:
        for page in PdfReader(str(handout_dir / name)).pages:
            page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 7.95, f"text as small as {min(sizes):.1f} pt"


# ---------------------------------------------------------------------------
# The Chromium finder (tools.chromium), shared by the handout and the browser tests


def test_find_chromium_honours_the_environment_variable(tmp_path, monkeypatch):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PLRO_CHROMIUM", str(fake))
    assert chromium.find_chromium() == str(fake)


def test_find_chromium_reports_none_when_nothing_is_installed(tmp_path, monkeypatch):
    monkeypatch.delenv("PLRO_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    monkeypatch.setattr(chromium.Path, "is_file", lambda self: False)
    assert chromium.find_chromium() is None


def test_chromium_flags_keep_the_browser_off_the_network():
    assert "--disable-background-networking" in chromium.CHROMIUM_ARGS
    assert "--no-sandbox" in chromium.CHROMIUM_ARGS


def test_handout_refuses_a_missing_site_with_advice(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools.handout", str(tmp_path / "no-site"), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 1
    assert "make book" in result.stderr and not (tmp_path / "out").exists()
