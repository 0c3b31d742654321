"""The printable seminar handout (``python -m tools.handout``) and the Chromium finder it uses.

The expected content is read independently of ``tools.handout``: stage headings and
answer texts come from the notebook source (``notebooks/07-seminar-case.ipynb``)
and from the built page, not from the selectors the handout code uses.
"""

from __future__ import annotations

import json
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
from tools.handout import collect_figures

NOTEBOOK = ROOT / "notebooks" / "07-seminar-case.ipynb"
CASE_PAGE = "notebooks/07-seminar-case.html"


def _norm(text: str) -> str:
    """Lower-case words only: PDF text extraction breaks lines and spacing unpredictably."""
    text = unicodedata.normalize("NFKC", text)  # ligatures such as "fi" back to letters
    text = re.sub(r"-\s*\n\s*", "-", text)
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _markdown_cells() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def stage_headings() -> list[str]:
    """The '## ...' heading that follows each '(case-stage-N)=' label in the notebook."""
    headings = []
    for src in _markdown_cells():
        for m in re.finditer(r"^\(case-stage-\d+\)=\s*\n##\s+(.+)$", src, flags=re.M):
            headings.append(m.group(1).strip())
    return headings


def _strip_roles(text: str) -> str:
    """Prose of MyST text: roles reduced to their display text, glue roles dropped."""
    text = re.sub(r"\{glue:[a-z]*\}`[^`]*`", " ", text)
    text = re.sub(r"\{cite:[pt]\}`[^`]*`", " ", text)
    text = re.sub(r"\{[\w:]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", text)
    return text


def answer_texts() -> list[str]:
    """The body of every ':::{dropdown} Answer' block in the notebook source."""
    answers = []
    for src in _markdown_cells():
        for m in re.finditer(r"^:::\{dropdown\}[^\n]*\n(.*?)^:::\s*$", src, flags=re.M | re.S):
            answers.append(_strip_roles(m.group(1)))
    return answers


def distinctive_phrases(text: str, words: int = 7) -> list[str]:
    """Non-overlapping runs of ``words`` words from a text, for 'is this in the PDF?' checks."""
    tokens = _norm(text).split()
    return [" ".join(tokens[i:i + words]) for i in range(0, len(tokens) - words + 1, words)]


def _site() -> Path:
    site = site_dir()
    if not (site / CASE_PAGE).is_file():
        pytest.fail(
            f"{site / CASE_PAGE} not found: build the book first (make book) or set "
            "PLRO_SITE_DIR to a built site that includes the seminar case",
            pytrace=False,
        )
    return site


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    site = _site()
    if chromium.find_chromium() is None:
        pytest.fail("no Chromium found: install Debian's 'chromium' or set PLRO_CHROMIUM",
                    pytrace=False)
    out = tmp_path_factory.mktemp("handout") / "handout.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "tools.handout", str(site), str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, f"python -m tools.handout failed:\n{result.stderr}"
    from pypdf import PdfReader

    reader = PdfReader(str(out))
    pages = [page.extract_text() or "" for page in reader.pages]
    return {"path": out, "pages": pages, "reader": reader}


def test_source_has_stages_and_answers():
    """Guard for the checks below: the notebook holds the stages and answers they look for."""
    assert len(stage_headings()) >= 5
    assert len(answer_texts()) >= 5
    assert all(len(distinctive_phrases(a)) >= 3 for a in answer_texts())


@pytest.mark.browser
def test_handout_exists_with_case_pages_then_one_figures_page(handout):
    pages = handout["pages"]
    assert handout["path"].stat().st_size > 10_000
    assert len(pages) >= 2, "expected the case (one page or more) and a figures page"
    assert _norm("Key figures") in _norm(pages[-1]), "the last page is not the figures page"
    figure_pages = [i for i, text in enumerate(pages) if _norm("Key figures") in _norm(text)]
    assert figure_pages == [len(pages) - 1], "the figures must fit on exactly one, last, page"
    assert handout["reader"].pages[-1].images, "the figures page holds no images"


@pytest.mark.browser
def test_handout_contains_every_case_stage(handout):
    text = _norm(" ".join(handout["pages"][:-1]))
    missing = [h for h in stage_headings() if _norm(h) not in text]
    assert not missing, f"stage headings missing from the handout: {missing}"
    assert _norm("Question for the room") in text


@pytest.mark.browser
def test_handout_leaves_out_every_answer(handout):
    text = _norm(" ".join(handout["pages"]))
    leaked = [p for a in answer_texts() for p in distinctive_phrases(a) if p in text]
    assert not leaked, f"answer text found in the handout: {leaked[:5]}"


@pytest.mark.browser
def test_handout_leaves_out_quiz_feedback(handout):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((_site() / CASE_PAGE).read_text(encoding="utf-8"), "html.parser")
    feedback = [div.get_text(" ") for div in soup.select("[id^=quiz-][id*=-fb-]")]
    assert feedback, "the built case page has no quiz feedback to check"
    text = _norm(" ".join(handout["pages"]))
    leaked = [f for f in feedback if _norm(f) in text]
    assert not leaked, f"quiz feedback found in the handout: {leaked[:3]}"


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
        [sys.executable, "-m", "tools.handout", str(tmp_path / "no-site"), str(tmp_path / "h.pdf")],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 1
    assert "make book" in result.stderr and not (tmp_path / "h.pdf").exists()


@pytest.mark.browser
def test_the_figures_page_holds_only_the_case_figures(handout):
    figures = collect_figures(site_dir())
    assert figures, "the case page has figures; the figures page should show them"
    assert {f.page for f in figures} == {CASE_PAGE}
    # another chapter's figure would give answers away: the management flowchart, the WHO bands
    figures_page = _norm(handout["pages"][-1])
    assert "key figures" in figures_page
    assert "management protocol" not in figures_page and "osteopenia" not in figures_page
