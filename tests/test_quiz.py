"""The ``{quiz}`` directive (book/_ext/plro_quiz.py) and the quizzes of the built book.

The directive is built in a tiny Sphinx project written to a temporary folder
(MyST Markdown pages and one notebook, parsed by myst-nb as in the book): the
valid pages must render the accessible HTML quiz, with MyST inline markup in
question, options and feedback; each broken page must give one error naming
the page, the line and the problem; a strict build (``-W``) must fail. The
built book is then checked as a whole: answers balanced across positions and
lengths, and a quiz clicked in headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.quizzes import (
    MAX_LONGEST_SHARE,
    MAX_POSITION_SHARE,
    Question,
    balance_problems,
    questions_in_html,
    site_questions,
)
from tests.support.site import REPO_ROOT, RecordingServer, served_pages

CASE_PAGE = "notebooks/07-seminar-case.html"
STYLESHEET = REPO_ROOT / "book" / "_static" / "quiz.css"
MAX_OPTIONS = 8  # the most options quiz.css has reveal rules for (see the test on the stylesheet)

CONF = """\
extensions = ["myst_nb", "book._ext.plro_quiz"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
html_static_path = ["_static"]
suppress_warnings = ["mystnb.unknown_mime_type"]
"""

VALID = """\
# Valid quizzes

(target-section)=
## A target

```{quiz} q-one
Which **one** is right? See {ref}`target-section`
on the next line.

- [ ] Alpha with `code`
  Feedback *alpha* with a [link to the other page](other.md).
- [x] Beta
  Feedback beta,
  on two lines.

- [ ] Gamma
  Feedback gamma.
```

```{quiz} q-two
A second question?
- [X] Yes
  Right.
- [ ] No
  Wrong.
```
"""

OTHER = """\
# Another page

The same id on another page is allowed: ids need to be unique on their page only.

```{quiz} q-one
Is this fine?
- [x] Yes
  It is.
- [ ] No
  It is fine.
```
"""

# page name -> (quiz, the text on the line the error must name, what the error must say);
# each page is written as a title and then the quiz (see _broken_page)
BROKEN = {
    "bad-id": ("```{quiz} 1bad\nQ?\n- [x] a\n  f\n- [ ] b\n  f\n```\n", "```{quiz} 1bad",
               "the id must start with a letter"),
    "bad-id-chars": ('```{quiz} q"x\nQ?\n- [x] a\n  f\n- [ ] b\n  f\n```\n', '```{quiz} q"x',
                     "contain only letters, digits"),
    "duplicate-id": ("```{quiz} same\nQ?\n- [x] a\n  f\n- [ ] b\n  f\n```\n\n"
                     "```{quiz} same\nQ again?\n- [x] a\n  f\n- [ ] b\n  f\n```\n",
                     "```{quiz} same\nQ again?", "already used on this page (line 3)"),
    "one-option": ("```{quiz} q1\nQ?\n- [x] only\n  f\n```\n", "  f",
                   "needs 2 to 8 options, this one has 1"),
    "nine-options": ("```{quiz} q1\nQ?\n- [x] o0\n  f\n"
                     + "".join(f"- [ ] o{i}\n  f\n" for i in range(1, 9)) + "```\n",
                     "- [ ] o8", "needs 2 to 8 options, this one has 9"),
    "no-correct": ("```{quiz} q1\nQ?\n- [ ] a\n  f\n- [ ] b\n  f\n```\n", "- [ ] a",
                   "exactly one option must be marked '[x]' (correct), found 0"),
    "two-correct": ("```{quiz} q1\nQ?\n- [x] a\n  f\n- [x] b\n  f\n```\n", "- [x] b",
                    "exactly one option must be marked '[x]' (correct), found 2"),
    "missing-feedback": ("```{quiz} q1\nQ?\n- [x] a\n  f\n- [ ] Beta\n- [ ] c\n  f\n```\n",
                         "- [ ] Beta", "option 2 ('Beta') has no feedback"),
    "bad-marker": ("```{quiz} q1\nQ?\n- [y] a\n  f\n- [ ] b\n  f\n```\n", "- [y] a",
                   "option marker '[y]' is neither"),
    "no-question": ("```{quiz} q1\n- [x] a\n  f\n- [ ] b\n  f\n```\n", "- [x] a",
                    "no question"),
    "stray-line": ("```{quiz} q1\nQ?\n- [x] a\n  f\n- [ ] b\n  f\nnot indented\n```\n",
                   "not indented", "expected an option"),
    "plain-list-item": ("```{quiz} q1\nQ?\n- a plain item\n- [x] a\n  f\n- [ ] b\n  f\n```\n",
                        "- a plain item", "a list item in a quiz must be an option"),
}


def _notebook(markdown: str, glued: dict[str, str]) -> dict:
    """A stored notebook: one code cell whose outputs glue ``glued``, then one Markdown cell."""
    outputs = [{
        "output_type": "display_data",
        "data": {"application/papermill.record/text/plain": value},
        "metadata": {"scrapbook": {"mime_prefix": "application/papermill.record/", "name": key}},
    } for key, value in glued.items()]
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "cells": [
            {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1,
             "source": "glue(...)", "outputs": outputs},
            {"cell_type": "markdown", "id": "c2", "metadata": {}, "source": markdown},
        ],
    }


NOTEBOOK_QUIZ = """\
# A notebook page

```{quiz} nb-q1
The paper quotes {glue:text}`rate` per 100,000 women. Why can it not be scaled?

- [x] Neither the period nor the denominator is given ({glue:text}`rate` alone says neither)
  Without them, {glue:text}`rate` cannot be turned into expected cases.
- [ ] It is too small
  Size is not the problem.
```
"""


def _broken_page(name: str) -> str:
    """The text of a broken page: a title, then its quiz from :data:`BROKEN`."""
    return f"# Broken: {name}\n\n{BROKEN[name][0]}"


def _line_of(body: str, text: str) -> int:
    """1-based line of a page on which ``text`` starts."""
    return body[:body.index(text)].count("\n") + 1


def _write_project(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "_static").mkdir(exist_ok=True)
    (root / "_static" / "quiz.css").write_bytes(STYLESHEET.read_bytes())
    toctree = "\n".join(sorted(p for p in pages if p != "index"))
    (root / "index.md").write_text(f"# Quizzes\n\n```{{toctree}}\n{toctree}\n```\n", encoding="utf-8")
    for name, text in pages.items():
        if name.endswith(".ipynb"):
            (root / name).write_text(text, encoding="utf-8")
        else:
            (root / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def _build(srcdir: Path) -> tuple[Path, str]:
    """Build ``srcdir`` to HTML in this process; return the output folder and the warnings."""
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=srcdir, status=StringIO(), warning=StringIO(),
                        freshenv=True)
    try:
        app.build()
        return Path(app.outdir), app.warning.getvalue()
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict:
    """The tiny project, built once: its source folder, HTML folder and warning log."""
    pages = {"valid": VALID, "other": OTHER, **{name: _broken_page(name) for name in BROKEN},
             "notebook.ipynb": json.dumps(_notebook(NOTEBOOK_QUIZ, {"rate": "0.4"}))}
    src = _write_project(tmp_path_factory.mktemp("quiz-project"), pages)
    out, warnings = _build(src)
    return {"src": src, "out": out, "warnings": warnings}


def _warnings_for(project: dict, page: str) -> list[str]:
    source = str(project["src"] / page)
    lines = re.sub(r"\x1b\[[0-9;]*m", "", project["warnings"]).splitlines()
    return [line for line in lines if line.startswith(source + ":")]


def _html(project: dict, page: str) -> BeautifulSoup:
    return BeautifulSoup((project["out"] / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


# ---------------------------------------------------------------------------
# Valid quizzes render the accessible HTML quiz


def test_valid_pages_build_without_warnings(project):
    for page in ("valid.md", "other.md", "notebook.ipynb", "index.md"):
        assert not _warnings_for(project, page), _warnings_for(project, page)


def test_each_quiz_is_a_fieldset_with_a_legend_and_one_radio_group(project):
    quizzes = _html(project, "valid").select("div.plro-quiz")
    assert [q["id"] for q in quizzes] == ["quiz-q-one", "quiz-q-two"]
    first = quizzes[0]
    assert first.fieldset.legend["id"] == "quiz-q-one-legend"
    radios = first.select("input[type=radio]")
    assert len(radios) == 3
    assert {r["name"] for r in radios} == {"quiz-q-one"}
    assert [r["value"] for r in radios] == ["0", "1", "2"]
    labels = first.select("label.plro-quiz__option")
    assert [label["for"] for label in labels] == [r["id"] for r in radios]
    assert len({r["id"] for q in quizzes for r in q.select("input")}) == 5, "ids repeat on the page"


def test_exactly_the_marked_option_is_correct(project):
    first, second = _html(project, "valid").select("div.plro-quiz")
    assert [r.get("data-correct") for r in first.select("input")] == [None, "true", None]
    assert [r.get("data-correct") for r in second.select("input")] == ["true", None], "[X] counts"
    kinds = [f["class"][-1] for f in first.select(".plro-quiz__feedback")]
    assert kinds == ["plro-quiz__feedback--incorrect", "plro-quiz__feedback--correct",
                     "plro-quiz__feedback--incorrect"]


def test_feedback_is_in_words_in_one_live_region(project):
    first = _html(project, "valid").select("div.plro-quiz")[0]
    regions = first.select("[aria-live]")
    assert [(r["aria-live"], r["id"]) for r in regions] == [("polite", "quiz-q-one-feedback")]
    texts = [" ".join(f.get_text(" ").split()) for f in regions[0].select(".plro-quiz__feedback")]
    assert texts == [
        "Not quite. Feedback alpha with a link to the other page .",
        "Correct. Feedback beta, on two lines.",
        "Not quite. Feedback gamma.",
    ]
    assert [f["data-option"] for f in regions[0].select(".plro-quiz__feedback")] == ["0", "1", "2"]


def test_question_options_and_feedback_are_myst_inline_markup(project):
    first = _html(project, "valid").select("div.plro-quiz")[0]
    legend = first.fieldset.legend
    assert legend.strong and legend.strong.get_text() == "one"
    assert legend.find("a", href="#target-section"), "the {ref} role in the question is not a link"
    assert "on the next line" in legend.get_text(), "the question's second line is missing"
    assert first.select_one("label code").get_text() == "code"
    link = first.select_one(".plro-quiz__feedback a")
    assert link["href"] == "other.html" and first.select_one(".plro-quiz__feedback em")


def test_glue_roles_work_in_a_notebook_quiz(project):
    quiz = _html(project, "notebook").select_one("div.plro-quiz")
    assert quiz is not None and quiz["id"] == "quiz-nb-q1"
    assert "quotes 0.4 per 100,000" in " ".join(quiz.fieldset.legend.get_text(" ").split())
    assert "(0.4 alone says neither)" in quiz.select("label")[0].get_text()
    assert "0.4 cannot be turned" in quiz.select(".plro-quiz__feedback")[0].get_text()


def test_the_quiz_stylesheet_is_linked_and_copied(project):
    css = [link["href"] for link in _html(project, "valid").select("link[rel=stylesheet]")]
    assert any(href.split("?")[0] == "_static/quiz.css" for href in css), css
    assert (project["out"] / "_static" / "quiz.css").read_bytes() == STYLESHEET.read_bytes()


def test_the_stylesheet_reveals_each_position_and_hides_answers_in_print():
    css = STYLESHEET.read_text(encoding="utf-8")
    for k in range(1, MAX_OPTIONS + 1):
        assert re.search(
            rf"input\[type=radio\]:nth-of-type\({k}\):checked ~ \.plro-quiz__feedbacks > "
            rf"\.plro-quiz__feedback:nth-of-type\({k}\) \{{ display: block; \}}", css,
        ), f"quiz.css has no reveal rule for option {k}"
    assert re.search(r"\.plro-quiz__feedback \{ display: none;", css)
    assert re.search(r"@media print \{ \.plro-quiz__feedbacks \{ display: none", css)
    others = [p for p in (REPO_ROOT / "book" / "_static").glob("*.css") if p != STYLESHEET]
    assert not [p.name for p in others if "plro-quiz" in p.read_text(encoding="utf-8")], (
        "quiz rules belong in quiz.css only"
    )


# ---------------------------------------------------------------------------
# Broken quizzes are errors naming page, line and problem


@pytest.mark.parametrize("page", sorted(BROKEN))
def test_a_broken_quiz_is_an_error_at_its_line(project, page):
    _, line_text, message = BROKEN[page]
    expected_line = _line_of(_broken_page(page), line_text)
    errors = _warnings_for(project, f"{page}.md")
    assert len(errors) == 1, f"{page}: expected one error, got {errors}"
    location, _, text = errors[0].partition(": ")
    assert location == f"{project['src'] / page}.md:{expected_line}", errors[0]
    assert text.startswith("ERROR: quiz ") and message in text, errors[0]
    rendered = len(_html(project, page).select("div.plro-quiz"))
    assert rendered == (1 if page == "duplicate-id" else 0), f"{page}: a broken quiz was rendered"


def test_an_error_in_a_notebook_names_the_cell_and_its_line(tmp_path):
    markdown = "# A notebook\n\nSome text.\n\n" + BROKEN["two-correct"][0]
    notebook = _notebook(markdown, {})
    notebook["cells"].insert(0, {"cell_type": "markdown", "id": "c0", "metadata": {},
                                 "source": "First cell."})
    src = _write_project(tmp_path, {"nb.ipynb": json.dumps(notebook)})
    _, warnings = _build(src)
    errors = _warnings_for({"src": src, "warnings": warnings}, "nb.ipynb")
    line = _line_of(markdown, "- [x] b")  # the quiz sits in the notebook's third cell
    assert len(errors) == 1 and f"quiz 'q1' (cell 3, line {line}): exactly one option" in errors[0], (
        errors
    )


def test_a_strict_build_fails_on_a_broken_quiz(tmp_path):
    _, line_text, message = BROKEN["two-correct"]
    body = _broken_page("two-correct")
    src = _write_project(tmp_path / "src", {"broken": body})
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )
    assert result.returncode != 0, "a strict build passed with a broken quiz"
    location = re.escape(f"{src / 'broken.md'}:{_line_of(body, line_text)}:")
    assert re.search(rf"{location} ?(ERROR: )?quiz 'q1': {re.escape(message)}", result.stderr), (
        result.stderr
    )


# ---------------------------------------------------------------------------
# The quizzes of the built book


def test_balance_check_accepts_balanced_answers_and_names_each_cue():
    balanced = [Question("p", f"q{i}", ("a" * 5, "b" * 5, "c" * 5), i % 3) for i in range(6)]
    assert balance_problems(balanced) == []
    by_position = [Question("p", f"q{i}", ("aaa", "bbb", "ccc"), 1) for i in range(6)]
    assert any("6 of 6 correct answers are option 2" in p for p in balance_problems(by_position))
    longest = [Question("p", f"q{i}", tuple("x" * (5 + 10 * (j == i % 3)) for j in range(3)),
                        i % 3) for i in range(6)]
    problems = balance_problems(longest)
    assert len(problems) == 1 and "longest in 6 of 6" in problems[0]
    assert balance_problems([]) == ["no quiz questions to check"]


def _questions(n: int, longest: int, in_first: int) -> list[Question]:
    """``n`` questions: the first ``longest`` have a correct option longer than the rest;
    ``in_first`` of them have it in position 1, the others spread over positions 2 and 3."""
    questions = []
    for i in range(n):
        correct = 0 if i < in_first else 1 + i % 2
        options = ["x" * 10] * 3
        options[correct] = "x" * (20 if i < longest else 10)
        questions.append(Question("p", f"q{i}", tuple(options), correct))
    return questions


def test_balance_limits_are_40_percent_longest_and_half_in_one_position():
    assert MAX_LONGEST_SHARE == 0.4 and MAX_POSITION_SHARE == 0.5
    assert balance_problems(_questions(10, longest=4, in_first=5)) == []
    assert len(balance_problems(_questions(10, longest=5, in_first=5))) == 1
    assert len(balance_problems(_questions(10, longest=4, in_first=6))) == 1


def test_a_tie_for_longest_does_not_count_as_longest():
    assert not Question("p", "q", ("abc", "abc", "a"), 0).correct_is_longest
    assert Question("p", "q", ("abcd", "abc", "a"), 0).correct_is_longest


def test_questions_are_read_from_the_quiz_markup(project):
    markup = (project["out"] / "valid.html").read_text(encoding="utf-8")
    questions = questions_in_html(markup, "valid.html")
    assert [(q.quiz_id, q.correct, len(q.options)) for q in questions] == [
        ("quiz-q-one", 1, 3), ("quiz-q-two", 0, 2)]
    assert questions[0].options[0] == "Alpha with code"
    with pytest.raises(ValueError, match="marks 2 options correct"):
        questions_in_html(markup.replace('value="0">', 'value="0" data-correct="true">', 1))


@pytest.mark.browser
def test_answers_in_the_book_are_balanced(built_site: Path):
    pages = served_pages(built_site)
    questions = site_questions(built_site, pages)
    written = sum((built_site / p).read_text(encoding="utf-8").count('class="plro-quiz"')
                  for p in pages)
    assert questions and len(questions) == written, (
        f"read {len(questions)} quiz questions, but the pages hold {written} quizzes"
    )
    problems = balance_problems(questions)
    assert not problems, "the answers can be guessed without knowing them:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------
# In the browser


def _click_through(quiz) -> None:
    """Choose a wrong option, then the right one; only the chosen feedback shows, in words."""
    feedback = quiz.locator(".plro-quiz__feedback")
    inputs = quiz.locator("input[type=radio]")
    n = feedback.count()
    assert n >= 2 and inputs.count() == n
    assert not any(feedback.nth(i).is_visible() for i in range(n)), "feedback shows before a choice"
    correct = [i for i in range(n) if inputs.nth(i).get_attribute("data-correct") == "true"]
    assert len(correct) == 1
    wrong = next(i for i in range(n) if i != correct[0])
    for choice, word in ((wrong, "Not quite."), (correct[0], "Correct.")):
        quiz.locator("label").nth(choice).click()
        assert inputs.nth(choice).is_checked()
        visible = [i for i in range(n) if feedback.nth(i).is_visible()]
        assert visible == [choice], f"after choosing option {choice}, visible feedback: {visible}"
        assert feedback.nth(choice).inner_text().startswith(word)


@pytest.mark.browser
def test_choosing_an_answer_reveals_only_its_feedback(site_url, browser):
    page = browser.new_page()
    try:
        page.goto(f"{site_url}{CASE_PAGE}", wait_until="load")
        quizzes = page.locator(".plro-quiz")
        assert quizzes.count() >= 3, "the seminar case should hold a quiz of 3-4 questions"
        _click_through(quizzes.first)
        for q in range(1, quizzes.count()):
            others = quizzes.nth(q).locator(".plro-quiz__feedback")
            assert not any(others.nth(i).is_visible() for i in range(others.count())), (
                "choosing in one quiz changed another"
            )
    finally:
        page.close()


@pytest.mark.browser
def test_a_directive_quiz_works_in_the_browser(project, browser):
    with RecordingServer(project["out"]) as server:
        page = browser.new_page()
        try:
            page.goto(f"{server.url}valid.html", wait_until="load")
            quizzes = page.locator(".plro-quiz")
            assert quizzes.count() == 2
            _click_through(quizzes.first)
            print_hidden = page.evaluate(
                "() => { const sheet = [...document.styleSheets].find(s => (s.href || '')"
                ".includes('quiz.css')); return !!sheet && [...sheet.cssRules].some(r =>"
                " r.media && r.media.mediaText === 'print'); }"
            )
            assert print_hidden, "quiz.css did not load or has no print rule"
        finally:
            page.close()


def test_the_documented_example_is_a_valid_quiz():
    import book._ext.plro_quiz as plro_quiz

    block = re.search(r"\n( +)```\{quiz\} [\w-]+\n(.*?)\n\1```\n", plro_quiz.__doc__, re.S)
    assert block, "the module docstring shows no quiz example"
    body = textwrap.dedent(block.group(1) + block.group(2))
    parsed = plro_quiz.parse_quiz_body(body.splitlines())
    assert [o.correct for o in parsed.options] == [True, False]
    assert all(o.feedback for o in parsed.options) and "{glue:text}" in parsed.question
