"""The seminar case keeps its order: facts, then the question, then the folded answer.

Two rules of the teaching pages (CONTRIBUTING.md, "Teaching material"), checked on
the seminar case, ``notebooks/07-seminar-case.ipynb``:

* **No answer before its question.** In every stage the folded blocks (an
  ``Answer`` drop-down, or a ``What the series did`` drop-down) come after the
  stage's "Question for the room"; every question is followed by an answer
  before the next question; "What the series did" follows an answered question.
* **No diagnosis before the Stage 5 question.** Nothing a participant can see
  before the Stage 5 question (outside closed drop-downs) names it: not
  "PLRO", not "pregnancy- and lactation-related osteoporosis", not
  "osteoporosis" or "osteopenia" (the WHO labels belong in the Stage 4 answer).

Each rule is checked three ways: on the notebook's cells (always; glued values
resolved from the stored outputs, figure captions and the text drawn in figures
included), on the built page's HTML, and in headless Chromium on what is
actually visible. The last two need the built site (``make book``) and are
marked ``browser`` with the other tests that read the build.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

import pytest

from tests.support.site import REPO_ROOT

NOTEBOOK = REPO_ROOT / "notebooks" / "07-seminar-case.ipynb"
CASE_PAGE = "notebooks/07-seminar-case.html"

FORBIDDEN = re.compile(
    r"\bPLRO\b|(?i:pregnancy[- ]+and[- ]+lactation[- ]+(?:related|associated)|osteoporo\w*|osteopeni\w*)"
)
"""Words that name the diagnosis or a WHO category. The abbreviation is matched in capitals
only: the site's note about the book's Python package, ``plro``, is not the diagnosis."""

QUESTION_TITLE = "Question for the room"
ANSWER_TITLE = "Answer"
SERIES_TITLE = "What the series did"

_FENCE = re.compile(r"^:::\{(?P<kind>[\w-]+)\}[ \t]*(?P<title>[^\n]*)\n(?P<body>.*?)^:::[ \t]*$",
                    re.MULTILINE | re.DOTALL)
_STAGE_LABEL = re.compile(r"^\(case-stage-(\d+)\)=", re.MULTILINE)
QUIZ_LABEL = "case-quiz"
"""The label of the self-check quiz: the stages end there, and the key points after the quiz
may be folded (they would give the quiz's answers away)."""


@dataclass(frozen=True)
class Block:
    """One piece of the page in reading order: its kind, the stage it sits in, its text."""

    kind: str  # "text", "question", "answer", "series", "other-fold"
    stage: int | None
    text: str
    after_quiz: bool = False


def forbidden_words(text: str) -> list[str]:
    """The words of ``text`` that name the diagnosis or a WHO category."""
    return [m.group(0) for m in FORBIDDEN.finditer(text)]


def check_order(blocks: list[tuple[int, str]]) -> list[str]:
    """Problems with the order of (stage, kind) blocks; kinds are question, answer, series.

    Within each stage, each answer must follow a question not yet answered, every
    question must be answered before the next question and before the stage ends,
    and a "what the series did" block must follow an answered question.
    """
    problems: list[str] = []
    stages: dict[int, list[str]] = {}
    for stage, kind in blocks:
        stages.setdefault(stage, []).append(kind)
    for stage, kinds in stages.items():
        pending = answered = False
        for kind in kinds:
            if kind == "question":
                if pending:
                    problems.append(f"stage {stage}: a question is followed by another question")
                pending = True
            elif kind == "answer":
                if not pending:
                    problems.append(f"stage {stage}: an answer comes before its question")
                pending, answered = False, True
            elif kind == "series":
                if pending or not answered:
                    problems.append(f"stage {stage}: 'What the series did' comes before an answer")
        if pending:
            problems.append(f"stage {stage}: the last question has no answer")
        if not answered:
            problems.append(f"stage {stage}: no question with an answer")
    return problems


# ---------------------------------------------------------------------------
# The notebook


def _glued_values(cells: list[dict]) -> dict[str, str]:
    values = {}
    for cell in cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = str(out["data"].get("application/papermill.record/text/plain", ""))
    return values


def _prose(text: str, glued: dict[str, str]) -> str:
    """MyST as a reader sees it: glue roles replaced by their values, roles by their text."""
    text = re.sub(r"\{glue:[a-z]*\}`([^`:]*)(?::[^`]*)?`", lambda m: glued.get(m.group(1), ""), text)
    text = re.sub(r"\{cite:[pt]\}`[^`]*`", "(citation)", text)
    text = re.sub(r"\{[\w:]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", text)
    return re.sub(r"^\([\w-]+\)=\s*$", "", text, flags=re.MULTILINE)


def _figure_strings(cell: dict) -> str:
    """Caption, alt text and the string constants of a cell that draws a figure."""
    meta = cell.get("metadata", {}).get("mystnb", {})
    parts = [meta.get("figure", {}).get("caption", ""), meta.get("image", {}).get("alt", "")]
    if any(mime in out.get("data", {}) for out in cell.get("outputs", [])
           for mime in ("image/png", "image/svg+xml")):
        source = "".join(cell["source"])
        source = "\n".join(line for line in source.splitlines() if not line.startswith("%"))
        parts += [node.value for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return " ".join(parts)


def _output_text(cell: dict) -> str:
    texts = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "text/html" in data or "text/plain" in data:
            if not any(k.startswith("application/papermill") for k in data):
                texts.append("".join(data.get("text/plain", "")))
    return " ".join(texts)


def notebook_blocks(cells: list[dict] | None = None) -> list[Block]:
    """The notebook in reading order, as blocks of visible text, questions and folded blocks."""
    if cells is None:
        cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    glued = _glued_values(cells)
    blocks: list[Block] = []
    stage = None
    after_quiz = False
    for cell in cells:
        if cell["cell_type"] == "code":
            blocks.append(Block("text", stage, _figure_strings(cell) + " " + _output_text(cell)))
            continue
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        position = 0
        pieces = []
        for fence in _FENCE.finditer(source):
            pieces.append(("text", "", source[position:fence.start()]))
            pieces.append((fence["kind"], fence["title"].strip(), fence["body"]))
            position = fence.end()
        pieces.append(("text", "", source[position:]))
        for kind, title, body in pieces:
            if kind == "text":
                for chunk in re.split(rf"(?=^\((?:case-stage-\d+|{QUIZ_LABEL})\)=)", body,
                                      flags=re.MULTILINE):
                    label = _STAGE_LABEL.match(chunk)
                    if label:
                        stage = int(label.group(1))
                    elif chunk.startswith(f"({QUIZ_LABEL})="):
                        stage, after_quiz = None, True
                    blocks.append(Block("text", stage, _prose(chunk, glued), after_quiz))
            elif kind == "admonition" and title == QUESTION_TITLE:
                blocks.append(Block("question", stage, _prose(body, glued), after_quiz))
            elif kind == "dropdown" and title.startswith(ANSWER_TITLE):
                blocks.append(Block("answer", stage, _prose(body, glued), after_quiz))
            elif kind == "dropdown" and title.startswith(SERIES_TITLE):
                blocks.append(Block("series", stage, _prose(body, glued), after_quiz))
            elif kind == "dropdown":
                blocks.append(Block("other-fold", stage, _prose(body, glued), after_quiz))
            else:
                blocks.append(Block("text", stage, _prose(title + "\n" + body, glued), after_quiz))
    return blocks


def visible_before_stage5_question(blocks: list[Block]) -> str:
    """Every visible text up to and including the Stage 5 question (folded blocks left out)."""
    seen = []
    for block in blocks:
        if block.kind in ("text", "question"):
            seen.append(block.text)
        if block.kind == "question" and block.stage == 5:
            return "\n".join(seen)
    raise AssertionError("the notebook has no Stage 5 question")


def test_every_stage_asks_then_answers_in_the_notebook():
    blocks = [(b.stage, b.kind) for b in notebook_blocks() if b.stage is not None
              and b.kind in ("question", "answer", "series")]
    assert sorted({stage for stage, _ in blocks}) == list(range(1, 8))
    assert check_order(blocks) == []


def test_no_fold_outside_answers_and_series_blocks():
    others = [b.text[:60] for b in notebook_blocks() if b.kind == "other-fold" and not b.after_quiz]
    assert others == [], f"drop-downs that are neither an answer nor 'What the series did': {others}"


def test_nothing_visible_before_the_stage_5_question_names_the_diagnosis_in_the_notebook():
    text = visible_before_stage5_question(notebook_blocks())
    assert forbidden_words(text) == [], f"names the diagnosis before Stage 5: {forbidden_words(text)}"


def test_no_code_cell_shows_its_source():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    shown = [i for i, c in enumerate(cells) if c["cell_type"] == "code"
             and not {"remove-input", "remove-cell"} & set(c["metadata"].get("tags", []))]
    assert shown == [], f"code cells whose source would be projected: {shown}"


# The checks must be able to fail: each is tried on a small page that breaks its rule.


def _md(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def test_order_check_catches_an_answer_before_its_question():
    cells = [_md("(case-stage-1)=\n## Stage 1\n\n:::{dropdown} Answer\nIt is X.\n:::\n\n"
                 ":::{admonition} Question for the room\n:class: tip\nWhat is it?\n:::\n")]
    blocks = [(b.stage, b.kind) for b in notebook_blocks(cells) if b.kind != "text"]
    assert "stage 1: an answer comes before its question" in check_order(blocks)
    assert check_order([(2, "question"), (2, "series"), (2, "answer")]) == [
        "stage 2: 'What the series did' comes before an answer"]
    assert check_order([(3, "question")]) == ["stage 3: the last question has no answer",
                                              "stage 3: no question with an answer"]


def test_fold_check_allows_only_folds_after_the_quiz():
    page = [_md("(case-stage-1)=\n## Stage 1\n\n:::{dropdown} Hint\nLook at the spine.\n:::\n\n"
                "(case-quiz)=\n## Check yourself\n\n## Key points\n\n"
                ":::{dropdown} Open after the quiz\n- A point.\n:::\n")]
    others = [(b.stage, b.after_quiz) for b in notebook_blocks(page) if b.kind == "other-fold"]
    assert others == [(1, False), (None, True)]


def test_diagnosis_check_sees_glued_text_captions_and_figure_labels_but_not_folds():
    glue_cell = {"cell_type": "code", "metadata": {}, "source": "glue('dx', 'PLRO')",
                 "outputs": [{"output_type": "display_data",
                              "data": {"application/papermill.record/text/plain": "'PLRO'"},
                              "metadata": {"scrapbook": {"name": "dx"}}}]}
    figure = {"cell_type": "code", "source": "ax.set(title='Osteopenia here')",
              "metadata": {"mystnb": {"figure": {"caption": "A plain caption"}}},
              "outputs": [{"output_type": "display_data", "data": {"image/png": ""}}]}
    question5 = "(case-stage-5)=\n:::{admonition} Question for the room\nWhat is it?\n:::\n"
    folded = _md(":::{dropdown} Answer\nosteoporosis\n:::\n" + question5)
    assert visible_before_stage5_question(notebook_blocks([folded])).strip().endswith("What is it?")
    assert forbidden_words(visible_before_stage5_question(notebook_blocks([folded]))) == []
    glued = [glue_cell, _md("It is {glue:text}`dx`.\n" + question5)]
    assert forbidden_words(visible_before_stage5_question(notebook_blocks(glued))) == ["PLRO"]
    drawn = [figure, _md(question5)]
    assert forbidden_words(visible_before_stage5_question(notebook_blocks(drawn))) == ["Osteopenia"]
    assert forbidden_words("the plro package; Pregnancy- and lactation-related bone loss") == [
        "Pregnancy- and lactation-related"]


# ---------------------------------------------------------------------------
# The built page (needs `make book`; no browser for the HTML checks)


def _case_html() -> str:
    from tests.support.site import site_dir

    path = site_dir() / CASE_PAGE
    if not path.is_file():
        pytest.fail(f"{path} not found: build the book first (make book) or set PLRO_SITE_DIR",
                    pytrace=False)
    return path.read_text(encoding="utf-8")


def _kind_of(tag) -> str | None:
    classes = tag.get("class") or []
    if tag.name == "div" and "admonition" in classes:
        title = tag.find(class_="admonition-title")
        if title and title.get_text(" ", strip=True) == QUESTION_TITLE:
            return "question"
    if tag.name == "details":
        summary = tag.find("summary")
        title = summary.get_text(" ", strip=True) if summary else ""
        if title.startswith(SERIES_TITLE):
            return "series"
        return "answer" if title.startswith(ANSWER_TITLE) else "other-fold"
    return None


def html_blocks(html: str) -> tuple[list[tuple[int, str]], str]:
    """From the built page: (stage, kind) of each question and fold, and the visible text
    up to the end of the Stage 5 question (closed ``<details>`` left out)."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup.body
    visible: list[str] = []
    state = {"stage": None, "done": False}

    def walk(node) -> None:
        for child in node.children:
            if state["done"]:
                return
            if isinstance(child, NavigableString):
                if child.parent.name not in ("script", "style"):
                    visible.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if (child.get("id") or "").startswith("case-stage-"):
                state["stage"] = int(child["id"].rsplit("-", 1)[1])
            elif child.get("id") == QUIZ_LABEL:
                state["stage"] = None
            if child.name == "details" and not child.has_attr("open"):
                summary = child.find("summary")
                visible.append(summary.get_text(" ") if summary else "")
                continue
            walk(child)
            if _kind_of(child) == "question" and state["stage"] == 5:
                state["done"] = True

    walk(article)
    order: list[tuple[int, str]] = []
    stage = None
    for tag in article.find_all(True):
        if (tag.get("id") or "").startswith("case-stage-"):
            stage = int(tag["id"].rsplit("-", 1)[1])
        elif tag.get("id") == QUIZ_LABEL:
            stage = None  # the stages end at the quiz; the key points after it may be folded
        kind = _kind_of(tag)
        if kind and stage is not None:
            order.append((stage, kind))
    return order, " ".join("".join(visible).split())


@pytest.mark.browser
def test_built_page_asks_before_it_answers():
    order, _ = html_blocks(_case_html())
    assert sorted({stage for stage, _ in order}) == list(range(1, 8))
    assert [k for _, k in order if k == "other-fold"] == []
    assert check_order(order) == []


@pytest.mark.browser
def test_built_page_names_no_diagnosis_before_the_stage_5_question():
    _, visible = html_blocks(_case_html())
    assert "What is your working diagnosis" in visible, "the Stage 5 question was not reached"
    assert forbidden_words(visible) == [], f"visible before Stage 5: {forbidden_words(visible)}"


_VISIBLE_TEXT_JS = """
() => {
  const article = document.querySelector('article');
  const label = document.getElementById('case-stage-5');
  const section = label.closest('section') || label.parentElement;
  const question = [...section.querySelectorAll('div.admonition')].find(
      (el) => el.querySelector('.admonition-title')?.textContent.trim() === 'Question for the room');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const after = question.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING;
    if (after && !question.contains(node)) break;
    const el = node.parentElement;
    if (el && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) seen.push(node.textContent);
  }
  return seen.join(' ');
}
"""


@pytest.mark.browser
def test_projected_page_shows_no_diagnosis_before_the_stage_5_question(open_page):
    page, _ = open_page(CASE_PAGE, width=1280, height=720)
    visible = " ".join(page.evaluate(_VISIBLE_TEXT_JS).split())
    assert "What is your working diagnosis" in visible, "the Stage 5 question was not reached"
    assert forbidden_words(visible) == [], f"visible before Stage 5: {forbidden_words(visible)}"
