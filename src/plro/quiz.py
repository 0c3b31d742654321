"""Self-check multiple-choice questions that work in the static HTML book.

A quiz is plain HTML plus CSS: no JavaScript, no kernel, no network. Each
question is a ``<fieldset>`` whose ``<legend>`` is the question; each option is
a radio ``<input>`` (all sharing one ``name``) with a ``<label>`` tied to it by
``for``/``id``. The feedback for every option sits, hidden, in one region
marked ``aria-live="polite"``; choosing an option shows that option's feedback
and only that one, through the CSS ``:checked ~`` rules in
``book/_static/plro.css`` (kept identical to :data:`QUIZ_CSS`). Whether an
answer is right is said in words ("Correct." / "Not quite."), never by colour
alone.

Typical use in a notebook cell tagged ``remove-input``::

    from plro.quiz import quiz
    quiz(
        "tscore-vs-zscore",
        "Which score compares a 29-year-old with women of her own age?",
        ["The T-score", "The Z-score"],
        correct_index=1,
        feedback_per_option=[
            "A T-score compares her with young adults at peak bone mass.",
            "A Z-score compares her with women of the same age and sex.",
        ],
    )
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from IPython.display import HTML

__all__ = ["MAX_OPTIONS", "QUIZ_CSS", "quiz", "quiz_html"]

MAX_OPTIONS = 8
"""Most options one question may have (the CSS has one rule per position)."""

_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

CORRECT_PREFIX = "Correct."
INCORRECT_PREFIX = "Not quite."


def _css() -> str:
    rules = [
        "/* Self-check quizzes (plro.quiz): pure HTML + CSS, no JavaScript. */",
        ".plro-quiz { margin: 1.5em 0; }",
        ".plro-quiz fieldset { display: grid; grid-template-columns: 1.5em minmax(0, 1fr); "
        "column-gap: 0.5em; row-gap: 0.4em; align-items: baseline; "
        "border: 1px solid #7f7f7f; border-radius: 6px; padding: 0.75em 1em 1em; }",
        ".plro-quiz legend { grid-column: 1 / -1; float: none; width: auto; font-size: 1rem; "
        "font-weight: 600; line-height: 1.4; margin-bottom: 0.3em; "
        "padding: 0 0.3em; }",
        ".plro-quiz input[type=radio] { grid-column: 1; margin: 0; }",
        ".plro-quiz__option { grid-column: 2; cursor: pointer; }",
        ".plro-quiz input[type=radio]:focus-visible + label { outline: 2px solid #0072B2; "
        "outline-offset: 2px; }",
        ".plro-quiz__feedbacks { grid-column: 1 / -1; }",
        ".plro-quiz__feedback { display: none; margin-top: 0.75em; padding: 0.5em 0.75em; "
        "border-left: 4px solid #7f7f7f; }",
        ".plro-quiz__feedback--correct { border-left-color: #009E73; }",
        ".plro-quiz__feedback--incorrect { border-left-color: #D55E00; }",
    ]
    for k in range(1, MAX_OPTIONS + 1):
        rules.append(
            f".plro-quiz input[type=radio]:nth-of-type({k}):checked ~ .plro-quiz__feedbacks "
            f"> .plro-quiz__feedback:nth-of-type({k}) {{ display: block; }}"
        )
    rules.append("@media print { .plro-quiz__feedbacks { display: none !important; } }")
    return "\n".join(rules) + "\n"


QUIZ_CSS = _css()
"""The stylesheet a quiz needs; ``book/_static/plro.css`` contains it verbatim."""


def quiz_html(
    question_id: str,
    question: str,
    options: Sequence[str],
    correct_index: int,
    feedback_per_option: Sequence[str],
) -> str:
    """The HTML of one self-check question (see the module docstring for its structure).

    ``question_id`` becomes the prefix of every ``id`` and the radio group's
    ``name``, so it must be unique on the page; it must start with a letter and
    contain only letters, digits, ``-`` and ``_``. All text is HTML-escaped.
    Raises ``ValueError`` for an invalid id, fewer than 2 or more than
    :data:`MAX_OPTIONS` options, feedback of a different length, or a
    ``correct_index`` out of range.
    """
    if not isinstance(question_id, str) or not _ID_PATTERN.match(question_id):
        raise ValueError(
            f"question_id {question_id!r} must start with a letter and contain only "
            "letters, digits, '-' and '_'"
        )
    options = list(options)
    feedback_per_option = list(feedback_per_option)
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ValueError(f"a question needs 2 to {MAX_OPTIONS} options, got {len(options)}")
    if len(feedback_per_option) != len(options):
        raise ValueError(
            f"feedback_per_option has {len(feedback_per_option)} entries "
            f"but there are {len(options)} options"
        )
    if isinstance(correct_index, bool) or not isinstance(correct_index, int) or not (
        0 <= correct_index < len(options)
    ):
        raise ValueError(f"correct_index must be an integer from 0 to {len(options) - 1}")

    esc = html.escape
    base = f"quiz-{question_id}"
    parts = [
        f'<div class="plro-quiz" id="{base}">',
        "<fieldset>",
        f'<legend id="{base}-legend">{esc(question)}</legend>',
    ]
    for i, option in enumerate(options):
        correct = ' data-correct="true"' if i == correct_index else ""
        parts.append(
            f'<input type="radio" name="{base}" id="{base}-opt-{i}" value="{i}"{correct}>'
            f'<label class="plro-quiz__option" for="{base}-opt-{i}">{esc(option)}</label>'
        )
    parts.append(f'<div class="plro-quiz__feedbacks" aria-live="polite" id="{base}-feedback">')
    for i, text in enumerate(feedback_per_option):
        kind = "correct" if i == correct_index else "incorrect"
        prefix = CORRECT_PREFIX if i == correct_index else INCORRECT_PREFIX
        parts.append(
            f'<div class="plro-quiz__feedback plro-quiz__feedback--{kind}" '
            f'id="{base}-fb-{i}" data-option="{i}"><strong>{prefix}</strong> {esc(text)}</div>'
        )
    parts += ["</div>", "</fieldset>", "</div>"]
    return "\n".join(parts)


def quiz(
    question_id: str,
    question: str,
    options: Sequence[str],
    correct_index: int,
    feedback_per_option: Sequence[str],
) -> HTML:
    """One self-check question as an ``IPython.display.HTML`` object (see :func:`quiz_html`)."""
    return HTML(quiz_html(question_id, question, options, correct_index, feedback_per_option))
