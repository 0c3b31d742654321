"""plro.quiz: the HTML it emits, and a quiz clicked in the built site in headless Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from IPython.display import HTML

from plro.quiz import MAX_OPTIONS, QUIZ_CSS, quiz, quiz_html

ROOT = Path(__file__).resolve().parents[1]
CASE_PAGE = "notebooks/07-seminar-case.html"

OPTIONS = ["Alpha", "Beta", "Gamma"]
FEEDBACK = ["fb alpha", "fb beta", "fb gamma"]


class _Collector(HTMLParser):
    """Collect every start tag as (tag, attrs dict), and the text inside each element id."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag != "input":
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.text_by_id.setdefault(attrs["id"], "")

    def handle_endtag(self, tag):
        if tag != "input" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def parse(markup: str) -> _Collector:
    collector = _Collector()
    collector.feed(markup)
    return collector


def make(**kwargs) -> str:
    args = dict(
        question_id="q1", question="Which one?", options=OPTIONS, correct_index=1,
        feedback_per_option=FEEDBACK,
    )
    args.update(kwargs)
    return quiz_html(**args)


# ---------------------------------------------------------------------------
# Unit tests on the HTML


def test_quiz_returns_ipython_html():
    out = quiz("q1", "Which one?", OPTIONS, 1, FEEDBACK)
    assert isinstance(out, HTML)
    assert out.data == make()


def test_one_radio_per_option_sharing_one_name():
    tags = parse(make()).tags
    radios = [a for t, a in tags if t == "input"]
    assert len(radios) == len(OPTIONS)
    assert all(a["type"] == "radio" for a in radios)
    assert len({a["name"] for a in radios}) == 1


def test_ids_unique_within_and_across_quizzes():
    ids = [a["id"] for _, a in parse(make() + make(question_id="q2")).tags if "id" in a]
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    names = {a["name"] for t, a in parse(make() + make(question_id="q2")).tags if t == "input"}
    assert len(names) == 2, "two quizzes must not share a radio group"


def test_labels_tied_to_inputs_and_fieldset_legend():
    tags = parse(make()).tags
    input_ids = [a["id"] for t, a in tags if t == "input"]
    label_fors = [a["for"] for t, a in tags if t == "label"]
    assert label_fors == input_ids
    names = [t for t, _ in tags]
    assert "fieldset" in names and "legend" in names


def test_exactly_the_correct_option_is_marked():
    tags = parse(make(correct_index=2)).tags
    marked = [a["value"] for t, a in tags if t == "input" and a.get("data-correct") == "true"]
    assert marked == ["2"]
    classes = [a["class"] for t, a in tags if "plro-quiz__feedback " in a.get("class", "") + " "]
    assert [c.endswith("--correct") for c in classes] == [False, False, True]


def test_feedback_says_correct_in_words_and_sits_in_live_region():
    collected = parse(make(correct_index=0))
    live = [a for _, a in collected.tags if a.get("aria-live")]
    assert [a["aria-live"] for a in live] == ["polite"]
    texts = [collected.text_by_id[f"quiz-q1-fb-{i}"] for i in range(3)]
    assert texts[0].startswith("Correct.") and "fb alpha" in texts[0]
    assert all(t.startswith("Not quite.") for t in texts[1:])


def test_text_is_escaped():
    markup = make(question="Is 1 < 2 & 3 > 2?", options=["<b>bold</b>", "a & b", "c"],
                  feedback_per_option=["x < y", "<script>alert(1)</script>", "ok"])
    assert "<b>bold</b>" not in markup and "&lt;b&gt;bold&lt;/b&gt;" in markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "Is 1 &lt; 2 &amp; 3 &gt; 2?" in markup
    assert "a &amp; b" in markup and "x &lt; y" in markup


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"question_id": "1bad"}, "question_id"),
        ({"question_id": "has space"}, "question_id"),
        ({"question_id": 'q"><script>'}, "question_id"),
        ({"options": ["only one"], "feedback_per_option": ["f"]}, "2 to"),
        ({"options": ["o"] * (MAX_OPTIONS + 1), "feedback_per_option": ["f"] * (MAX_OPTIONS + 1)},
         "2 to"),
        ({"feedback_per_option": ["too", "few"]}, "feedback_per_option"),
        ({"correct_index": 3}, "correct_index"),
        ({"correct_index": -1}, "correct_index"),
        ({"correct_index": True}, "correct_index"),
    ],
)
def test_bad_input_is_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make(**kwargs)


def test_css_has_a_reveal_rule_per_option_and_is_in_the_book_stylesheet():
    for k in range(1, MAX_OPTIONS + 1):
        assert re.search(
            rf"input\[type=radio\]:nth-of-type\({k}\):checked ~ \.plro-quiz__feedbacks > "
            rf"\.plro-quiz__feedback:nth-of-type\({k}\) \{{ display: block; \}}",
            QUIZ_CSS,
        ), f"no reveal rule for option {k}"
    assert ".plro-quiz__feedback { display: none;" in QUIZ_CSS
    css = (ROOT / "book" / "_static" / "plro.css").read_text(encoding="utf-8")
    assert QUIZ_CSS in css, "book/_static/plro.css is out of date with plro.quiz.QUIZ_CSS"


# ---------------------------------------------------------------------------
# Browser test on the built site


# The built site is served and the browser launched by the session fixtures in conftest.py.


@pytest.mark.browser
def test_choosing_an_answer_reveals_only_its_feedback(site_url, browser):
    page = browser.new_page()
    page.goto(f"{site_url.rstrip('/')}/{CASE_PAGE}", wait_until="load")
    quizzes = page.locator(".plro-quiz")
    assert quizzes.count() >= 3, "the seminar case should hold a quiz of 3-4 questions"
    first = quizzes.first
    feedback = first.locator(".plro-quiz__feedback")
    n = feedback.count()
    assert n >= 2
    for i in range(n):
        assert not feedback.nth(i).is_visible(), "feedback is visible before any choice"

    # choose a wrong option, then the right one, by clicking the labels
    inputs = first.locator("input[type=radio]")
    correct = [i for i in range(n) if inputs.nth(i).get_attribute("data-correct") == "true"]
    assert len(correct) == 1
    wrong = next(i for i in range(n) if i != correct[0])
    for choice, word in ((wrong, "Not quite."), (correct[0], "Correct.")):
        first.locator("label").nth(choice).click()
        assert inputs.nth(choice).is_checked()
        visible = [i for i in range(n) if feedback.nth(i).is_visible()]
        assert visible == [choice], f"after choosing option {choice}, visible feedback: {visible}"
        assert feedback.nth(choice).inner_text().startswith(word)

    # the other quizzes on the page are untouched
    for q in range(1, quizzes.count()):
        others = quizzes.nth(q).locator(".plro-quiz__feedback")
        assert not any(others.nth(i).is_visible() for i in range(others.count()))
    page.close()
