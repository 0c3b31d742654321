"""The self-check quizzes of a built site, read from its HTML, and how balanced their answers are.

A quiz is read from the markup the ``{quiz}`` directive writes (a
``div.plro-quiz`` holding radio inputs, one ``data-correct="true"``, and
their labels), so the check covers every quiz a reader can see, whatever wrote it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

MAX_LONGEST_SHARE = 0.4
"""At most this share of questions may have a correct option longer than every other option."""

MAX_POSITION_SHARE = 0.5
"""At most this share of all correct answers may sit in any one position (first, second, ...)."""


@dataclass(frozen=True)
class Question:
    """One quiz question as a reader sees it: where it is, its options and which is correct."""

    page: str
    quiz_id: str
    options: tuple[str, ...]
    correct: int

    @property
    def correct_is_longest(self) -> bool:
        """Whether the correct option is longer (in characters) than every other option."""
        lengths = [len(text) for text in self.options]
        return all(lengths[self.correct] > n for i, n in enumerate(lengths) if i != self.correct)


def questions_in_html(markup: str, page: str = "") -> list[Question]:
    """Every quiz question in one HTML page, in page order.

    Raises ``ValueError`` for a quiz whose options cannot be read: no radio
    inputs, a radio without its label, or not exactly one correct option.
    """
    soup = BeautifulSoup(markup, "html.parser")
    found = []
    for quiz in soup.select("div.plro-quiz"):
        quiz_id = quiz.get("id", "")
        radios = quiz.select("input[type=radio]")
        labels = {label.get("for"): " ".join(label.get_text(" ").split())
                  for label in quiz.select("label")}
        if not radios or any(r.get("id") not in labels for r in radios):
            raise ValueError(f"{page}: quiz {quiz_id!r} has no radio inputs or an unlabelled one")
        correct = [i for i, r in enumerate(radios) if r.get("data-correct") == "true"]
        if len(correct) != 1:
            raise ValueError(f"{page}: quiz {quiz_id!r} marks {len(correct)} options correct")
        found.append(Question(page, quiz_id, tuple(labels[r["id"]] for r in radios), correct[0]))
    return found


def site_questions(root: Path, pages: list[str]) -> list[Question]:
    """Every quiz question on the given site-relative pages of a built site."""
    questions = []
    for page in pages:
        questions += questions_in_html((root / page).read_text(encoding="utf-8"), page)
    return questions


def balance_problems(questions: list[Question], max_longest: float = MAX_LONGEST_SHARE,
                     max_position: float = MAX_POSITION_SHARE) -> list[str]:
    """Ways in which the answers can be guessed without knowing them; empty when balanced.

    Two cues are checked across all ``questions``: the correct option being the
    longest (more than ``max_longest`` of the questions), and correct answers
    piling up in one position (more than ``max_position`` of them in one place).
    """
    if not questions:
        return ["no quiz questions to check"]
    problems = []
    longest = [q for q in questions if q.correct_is_longest]
    if len(longest) > max_longest * len(questions):
        problems.append(
            f"the correct option is the longest in {len(longest)} of {len(questions)} questions "
            f"(at most {max_longest:.0%} allowed): "
            + ", ".join(f"{q.page}#{q.quiz_id}" for q in longest)
        )
    positions = Counter(q.correct + 1 for q in questions)
    for position, count in sorted(positions.items()):
        if count > max_position * len(questions):
            problems.append(
                f"{count} of {len(questions)} correct answers are option {position} "
                f"(at most {max_position:.0%} in one position allowed); by position: "
                + ", ".join(f"{p}: {n}" for p, n in sorted(positions.items()))
            )
    return problems
