"""The ``quiz`` directive: a self-check multiple-choice question written in the page.

Syntax (MyST; in a Markdown page or a notebook's Markdown cell)::

    ```{quiz} ch01-q1
    The paper quotes an incidence of {glue:text}`incidence:g` per 100,000 women.
    Why can you not turn it into an expected number of cases for your own hospital?

    - [x] The paper gives neither the period nor the denominator behind it
      Without knowing per what period, and per all women, pregnancies or births,
      the rate cannot be scaled.
    - [ ] The rate is too small to be of any practical use
      A rare condition still matters to the woman who has it.
    ```

- The argument is the question's id: a letter, then letters, digits, ``-`` or ``_``;
  unique on its page. It prefixes every HTML ``id`` of the quiz (``quiz-ch01-q1-...``)
  and names its radio group.
- The body starts with the question: one paragraph, any number of lines, up to the
  first option.
- Each option is a line ``- [ ] text`` (a wrong option) or ``- [x] text`` (the correct
  one); the option's text is that one line. The lines indented under it (at least
  two spaces) are its feedback, shown once the reader chooses it. Blank lines between
  options are allowed.
- Question, option and feedback text are MyST inline markup: roles such as
  ``{glue:text}``, ``{term}`` and ``{cite:p}``, links, emphasis and code all work.

The directive checks every question when the page is read: the id's form, its
uniqueness on the page, a question text, 2 to :data:`MAX_OPTIONS` options, exactly
one correct option, and feedback for every option. A problem is a Sphinx error
naming the page, the line and what is wrong, so the strict build
(``jupyter-book build . -W``) fails. In a notebook, myst-nb numbers lines as
cell x 10000 + line + 1 (``02-the-cohort.ipynb:30010`` is cell 3, line 9), so the
message also names the cell and its line.

Output (HTML builders): plain HTML and CSS, no JavaScript. The question is a
``<fieldset>`` whose ``<legend>`` is the question; each option is a radio
``<input>`` (one ``name`` per question) with a ``<label>`` tied to it by
``for``/``id``; every option's feedback sits, hidden, in one region marked
``aria-live="polite"``, and choosing an option shows that option's feedback
only, through the ``:checked ~`` rules of ``book/_static/quiz.css`` (the one
stylesheet for quizzes, added to every page by this extension). Feedback says
"Correct." or "Not quite." in words, never by colour alone. Other builders
(LaTeX, text) get the question, the options and their feedback as running text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

MAX_OPTIONS = 8
"""Most options one question may have (``quiz.css`` has one reveal rule per position)."""

MIN_OPTIONS = 2
"""Fewest options a question may have."""

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
"""Form of a question id: it becomes part of HTML ids and of the radio group's name."""

CORRECT_PREFIX = "Correct."
"""Words that open the feedback of the correct option."""

INCORRECT_PREFIX = "Not quite."
"""Words that open the feedback of every other option."""

STYLESHEET = "quiz.css"
"""The quiz stylesheet, in the book's ``html_static_path`` (book/_static)."""

NOTEBOOK_CELL_LINES = 10_000
"""myst-nb's line numbering in notebooks: cell ``n`` (from 1) starts at line ``n * 10000``."""

_OPTION_LINE = re.compile(r"^- \[(?P<mark>[^\]]*)\](?:\s+(?P<text>.*))?$")
_FEEDBACK_INDENT = "  "


class QuizSyntaxError(ValueError):
    """A quiz body that breaks the syntax; ``offset`` is the 0-based line within the body."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class ParsedOption:
    """One option as written: its text, whether it is correct, its feedback and body lines."""

    text: str
    correct: bool
    offset: int
    feedback_lines: list[str] = field(default_factory=list)
    feedback_offset: int | None = None

    @property
    def feedback(self) -> str:
        """The feedback lines joined into one paragraph."""
        return " ".join(line.strip() for line in self.feedback_lines if line.strip())


@dataclass
class ParsedQuiz:
    """A quiz body split into its question and options (line offsets within the body)."""

    question: str
    question_offset: int
    options: list[ParsedOption]


def parse_quiz_body(lines: list[str]) -> ParsedQuiz:
    """Split a quiz directive's body into question and options, checking every rule.

    Raises :class:`QuizSyntaxError` (with the offending line's offset in ``lines``)
    for a missing question, a malformed option marker, a line that is neither an
    option nor indented feedback, feedback missing for an option, fewer than
    :data:`MIN_OPTIONS` or more than :data:`MAX_OPTIONS` options, or a number of
    correct options other than one.
    """
    question_lines: list[tuple[int, str]] = []
    options: list[ParsedOption] = []
    for offset, line in enumerate(lines):
        match = _OPTION_LINE.match(line)
        if match:
            mark = match.group("mark")
            if mark not in (" ", "x", "X"):
                raise QuizSyntaxError(
                    f"option marker '[{mark}]' is neither '[ ]' (wrong) nor '[x]' (correct)", offset
                )
            text = (match.group("text") or "").strip()
            if not text:
                raise QuizSyntaxError("option has no text after its marker", offset)
            options.append(ParsedOption(text=text, correct=mark != " ", offset=offset))
        elif not line.strip():
            continue
        elif not options:
            if line.startswith(("-", "*", "+")) and line[1:2] == " ":
                raise QuizSyntaxError(
                    "a list item in a quiz must be an option: '- [ ] text' or '- [x] text'", offset
                )
            question_lines.append((offset, line.strip()))
        elif line.startswith(_FEEDBACK_INDENT):
            option = options[-1]
            if option.feedback_offset is None:
                option.feedback_offset = offset
            option.feedback_lines.append(line)
        else:
            raise QuizSyntaxError(
                "expected an option ('- [ ] text' or '- [x] text') or feedback indented "
                f"by two spaces under the option above, got {line.strip()[:40]!r}",
                offset,
            )
    if not question_lines:
        raise QuizSyntaxError("no question: write it before the first option", 0)
    end = len(lines) - 1 if lines else 0
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        at = options[MAX_OPTIONS].offset if len(options) > MAX_OPTIONS else end
        raise QuizSyntaxError(
            f"a question needs {MIN_OPTIONS} to {MAX_OPTIONS} options, this one has {len(options)}", at
        )
    correct = [o for o in options if o.correct]
    if len(correct) != 1:
        at = correct[1].offset if len(correct) > 1 else options[0].offset
        raise QuizSyntaxError(
            f"exactly one option must be marked '[x]' (correct), found {len(correct)}", at
        )
    for number, option in enumerate(options, start=1):
        if not option.feedback:
            raise QuizSyntaxError(
                f"option {number} ({option.text[:40]!r}) has no feedback: indent it by two "
                "spaces on the lines under the option",
                option.offset,
            )
    return ParsedQuiz(
        question=" ".join(text for _, text in question_lines),
        question_offset=question_lines[0][0],
        options=options,
    )


# ---------------------------------------------------------------------------
# Doctree nodes and their HTML


class quiz_block(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A quiz part that holds other parts: the whole ``quiz``, or its ``feedbacks`` region."""


class quiz_text(nodes.TextElement):  # noqa: N801
    """A quiz part that holds inline text: the ``question``, an ``option`` or its ``feedback``."""


HTML_PARTS = {
    "quiz": ('<div class="plro-quiz" id="{base}">\n<fieldset>\n', "</fieldset>\n</div>\n"),
    "question": ('<legend id="{base}-legend">', "</legend>\n"),
    "option": ('<input type="radio" name="{base}" id="{base}-opt-{index}" value="{index}"{marked}>'
               '<label class="plro-quiz__option" for="{base}-opt-{index}">', "</label>\n"),
    "feedbacks": ('<div class="plro-quiz__feedbacks" aria-live="polite" id="{base}-feedback">\n',
                  "</div>\n"),
    "feedback": ('<div class="plro-quiz__feedback plro-quiz__feedback--{kind}" id="{base}-fb-{index}" '
                 'data-option="{index}"><strong>{verdict}</strong> ', "</div>\n"),
}
"""Each part's HTML: (opening, closing); the part's children are written in between."""


def _html_fields(node: nodes.Element) -> dict[str, object]:
    correct = bool(node.get("correct"))
    return {
        "base": html.escape(f"quiz-{node['quiz_id']}"),
        "index": node.get("index", ""),
        "marked": ' data-correct="true"' if correct else "",
        "kind": "correct" if correct else "incorrect",
        "verdict": CORRECT_PREFIX if correct else INCORRECT_PREFIX,
    }


def visit_html(self, node: nodes.Element) -> None:
    """HTML builders: write the part's opening markup."""
    self.body.append(HTML_PARTS[node["part"]][0].format(**_html_fields(node)))


def depart_html(self, node: nodes.Element) -> None:
    """HTML builders: close the part."""
    self.body.append(HTML_PARTS[node["part"]][1])


def visit_plain(self, node: nodes.Element) -> None:
    """Other builders: no markup of their own; the text follows as running text."""


def depart_plain(self, node: nodes.Element) -> None:
    """Other builders: nothing to close."""


# ---------------------------------------------------------------------------
# The directive


class QuizDirective(SphinxDirective):
    """``{quiz} ID``: one self-check question (syntax in the module docstring)."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = True
    option_spec: dict = {}

    def _error(self, message: str, line: int) -> list[nodes.Node]:
        """An error at ``line`` of the page; in a notebook it also names the cell and its line."""
        where = ""
        if str(self.state.document.get("source", "")).endswith(".ipynb") and line > NOTEBOOK_CELL_LINES:
            # myst-nb numbers a notebook's lines as cell number x 10000 + line in the cell + 1.
            cell, rest = divmod(line, NOTEBOOK_CELL_LINES)
            where = f" (cell {cell}, line {rest - 1})"
        return [self.reporter.error(f"quiz {self.arguments[0]!r}{where}: {message}", line=line)]

    def _inline(self, text: str, line: int, node: nodes.TextElement) -> nodes.TextElement:
        children, messages = self.state.inline_text(text, line)
        node.extend(children)
        node.extend(messages)
        return node

    def run(self) -> list[nodes.Node]:
        """Validate the quiz and build its nodes; on a problem, report it at its line."""
        quiz_id = self.arguments[0]
        if not ID_PATTERN.match(quiz_id):
            return self._error(
                "the id must start with a letter and contain only letters, digits, '-' and '_'",
                self.lineno,
            )
        seen = self.env.temp_data.setdefault("plro_quiz_ids", {})
        if quiz_id in seen:
            return self._error(f"the id is already used on this page (line {seen[quiz_id]})",
                               self.lineno)
        seen[quiz_id] = self.lineno

        # 1-based line of the body's first line: myst-parser gives content_offset
        # relative to the directive's first line (the option lines it skipped).
        first_line = self.lineno + 1 + self.content_offset
        try:
            parsed = parse_quiz_body(list(self.content))
        except QuizSyntaxError as problem:
            return self._error(str(problem), first_line + problem.offset)

        quiz = quiz_block("", part="quiz", quiz_id=quiz_id)
        self.set_source_info(quiz)
        quiz += self._inline(parsed.question, first_line + parsed.question_offset,
                             quiz_text("", part="question", quiz_id=quiz_id))
        feedbacks = quiz_block("", part="feedbacks", quiz_id=quiz_id)
        for index, option in enumerate(parsed.options):
            flags = {"quiz_id": quiz_id, "index": index, "correct": option.correct}
            quiz += self._inline(option.text, first_line + option.offset,
                                 quiz_text("", part="option", **flags))
            feedbacks += self._inline(option.feedback, first_line + option.feedback_offset,
                                      quiz_text("", part="feedback", **flags))
        quiz += feedbacks
        return [quiz]


def setup(app: Sphinx) -> dict:
    """Register the directive, its nodes and its stylesheet."""
    plain = (visit_plain, depart_plain)
    for node_class in (quiz_block, quiz_text):
        app.add_node(node_class, html=(visit_html, depart_html),
                     latex=plain, text=plain, man=plain, texinfo=plain)
    app.add_directive("quiz", QuizDirective)
    app.add_css_file(STYLESHEET)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
