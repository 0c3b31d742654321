"""Checks shared by the chapter tests (tests/test_chapter_*.py).

Each chapter's ``plro.chapters.<name>`` module gives its prose facts and its tables; these
helpers read what the committed notebook pastes and say what a table in words may not show.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

NOT_WORDS = re.compile(r">\s*(True|False|NaN|<NA>|None|not_stated|month_\d)\s*<")
"""A cell that shows a program value instead of words."""


def glue_names(notebook: Path) -> set[str]:
    """Names the notebook's Markdown pastes with a ``{glue}`` role."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return {m.group(1) for m in re.finditer(r"\{glue(?::\w+)?\}`([^`:]+)", text)}


def stored_glue(notebook: Path) -> dict[str, str]:
    """The glued values stored in the committed notebook, as their text/plain reprs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return {o["metadata"]["scrapbook"]["name"]: o["data"]["application/papermill.record/text/plain"]
            for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])
            if "scrapbook" in o.get("metadata", {})}


def words_problems(html: str) -> list[str]:
    """What keeps a table's HTML from reading as words (an empty list when nothing does)."""
    problems = []
    if NOT_WORDS.search(html):
        problems.append(f"program value in a cell: {NOT_WORDS.search(html).group(1)}")
    if re.search(r"<th[^>]*>[^<]*[a-z]_[a-z][^<]*</th>", html):
        problems.append("snake_case header")
    if re.search(r"<td[^>]*>\s*-?\d+\.0+\s*</td>", html):
        problems.append("whole number with decimals")
    if "index_name" in html:
        problems.append("index-name header row")
    return problems
