"""The seminar slides (``tools.slides``, ``make slides``) and the site's links to them.

The expected structure is read independently of ``tools.slides``: stage headings,
questions and answers come from the notebook's Markdown with plain regular expressions,
the prompts from the facilitator guide the same way, and the slides themselves from the
built site in headless Chromium, where every request to another host is refused and
recorded. A missing site or Chromium fails (never skips).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from pathlib import Path

import nbformat
import pytest
from pybtex.database import BibliographyData, Entry, Person

from tests.support.site import REPO_ROOT, site_dir
from tools import slides

NOTEBOOK = REPO_ROOT / slides.CASE_NOTEBOOK
GUIDE = REPO_ROOT / slides.GUIDE
SLIDES_PAGE = "slides/seminar.html"


def letters(text: str) -> str:
    """Lower-case letters only: markup, spacing, ligatures and line breaks differ between
    renderings (this helper and the next two serve ``tests/test_book_pdf.py`` too)."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKC", text).lower())


def plain(markdown: str) -> str:
    """MyST roles replaced by the text they show (``{term}`text <target>``` -> ``text``)."""
    return re.sub(r"\{[^}]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", markdown)


def phrases(markdown: str, words: int = 6):
    """Every run of ``words`` plain words in a MyST text (no link or other markup inside)."""
    for fragment in re.split(r"\{[^}]*\}`[^`]*`|[`*\[\]()<>{}|:\"_#=$]", plain(markdown)):
        run: list[str] = []
        for token in fragment.split():
            if not re.fullmatch(r"[A-Za-z][A-Za-z'-]*[,.;]?", token):
                run = []
                continue
            run.append(token.rstrip(",.;"))
            if len(run) >= words:
                yield " ".join(run[-words:])


def outputs_text(notebook: Path) -> str:
    """What a notebook's stored outputs show: tables, text and glued values."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            found.append("".join(output.get("text", "")))
            for mime, value in output.get("data", {}).items():
                if mime.endswith(("text/plain", "text/html")):
                    found.append(re.sub(r"<[^>]+>", " ", "".join(value)))
    return " ".join(found)


def _markdown_cells() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


DROPDOWN = re.compile(r"^:{3,}\{dropdown\}[^\n]*\n(.*?)^:{3,}\s*$", re.M | re.S)


def _stages() -> dict[int, dict]:
    """Per stage of the notebook: how many questions, and one phrase from each answer.

    The phrase is six plain words of the answer that appear nowhere else in the notebook.
    """
    stages: dict[int, dict] = {}
    current = None
    outside = letters(plain(DROPDOWN.sub("", "\n".join(_markdown_cells()))) + outputs_text(NOTEBOOK))
    for source in _markdown_cells():
        for part in re.split(r"^(?=## )", source, flags=re.M):
            heading = re.match(r"## .*?\bStage (\d+)\b", part)
            if part.startswith("## "):
                current = int(heading[1]) if heading else None
                if current is not None:
                    stages[current] = {"questions": 0, "answers": []}
            if current is None:
                continue
            stages[current]["questions"] += len(
                re.findall(r"^:{3,}\{admonition\}[^\n]*[Qq]uestion", part, re.M))
            for body in DROPDOWN.findall(part):
                phrase = next((p for p in phrases(body) if letters(p) not in outside), None)
                if phrase:
                    stages[current]["answers"].append(phrase)
    return stages


def _guide_prompts() -> dict[int, str]:
    """The first plain words of each stage's prompt paragraph ("**Stage N.** ...") in the guide."""
    found = {}
    for number, text in re.findall(r"^\*\*Stage (\d+)\.\*\*\s*(.+)$", GUIDE.read_text("utf-8"), re.M):
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
        found[int(number)] = " ".join(words[:4])
    return found


# ---------------------------------------------------------------------------
# The notebook reading, without a browser


def test_parse_blocks_finds_directives_options_and_leaves_code_alone() -> None:
    text = "\n".join([
        "Some text.", "", ":::{admonition} Question for the room", ":class: tip", "Why?", ":::",
        "", "::::{dropdown} Answer", "Because.", ":::{note} Inner", "Nested.", ":::", "::::",
        "```python", ":::{dropdown} not a directive", "```", "",
        ":::{admonition} Answer 2", ":class: dropdown", "Two.", ":::",
        "```{quiz} q1", "Stem?", "- [x] Yes", "  Right.", "- [ ] No", "  Wrong.", "```",
    ])
    blocks = slides.parse_blocks(text)
    directives = [b for b in blocks if isinstance(b, slides.Directive)]
    assert [(d.name, d.kind) for d in directives] == [
        ("admonition", "question"), ("dropdown", "answer"), ("admonition", "answer"), ("quiz", "quiz")]
    assert directives[0].options == {"class": "tip"} and directives[0].body == "Why?"
    assert ":::{note} Inner" in directives[1].body
    code = [b for b in blocks if isinstance(b, str) and "```python" in b]
    assert code and ":::{dropdown} not a directive" in code[0]


def test_stage_prompts_come_from_the_prompts_section_only() -> None:
    guide = "\n".join([
        "# Guide", "", "| 0-5 | Stage 1 | ... |", "", "## What to put on screen", "",
        "- **Stage 1:** the figure.", "", "## Discussion prompts and expected answers", "",
        '**Stage 1.** *"Why now?"* Expected: the timing.', "", "**Stage 3.** Ask about X.",
        "More of stage 3.", "", "## After the session", "", "**Stage 1.** Not a prompt.",
    ])
    assert slides.stage_prompts(guide) == {
        1: ['*"Why now?"* Expected: the timing.'], 3: ["Ask about X.\nMore of stage 3."]}
    assert slides.stage_prompts("**Stage 2.** Only here.") == {2: ["Only here."]}


def _resolver(**glue: str) -> slides.Resolver:
    bib = BibliographyData(entries={
        "smith1995": Entry("article", fields={"title": "A", "year": "1995"},
                           persons={"author": [Person("Smith, R."), Person("Jones, A."),
                                               Person("Brown, C.")]}),
        "kovacs2016": Entry("article", fields={"title": "B", "year": "2016"},
                            persons={"author": [Person("Kovacs, C. S.")]}),
    })
    resolver = slides.Resolver("notebooks/07-x.ipynb", glue, bib, REPO_ROOT)
    resolver.figures = {"fig-a": 2}
    return resolver


def test_resolver_turns_myst_roles_into_plain_markdown() -> None:
    resolver = _resolver(n="10", share="53.94", word="'twins'")
    text = ("{glue:text}`n` of {glue:text}`share:.1f`% had {glue:text}`word` "
            "{cite:p}`smith1995,kovacs2016`; {cite:t}`kovacs2016` says {term}`VAS <visual analogue"
            " scale>`. See {numref}`fig-a` and {numref}`fig-b`, and {doc}`the guide "
            "<../book/teaching/facilitator-guide>`.\n(label)=\n% a comment")
    assert resolver.markdown(text) == (
        "10 of 53.9% had twins [Smith et al., 1995; Kovacs, 2016]; Kovacs [2016] says VAS. See "
        "Figure 2 and a figure of the book, and [the guide](../book/teaching/facilitator-guide.html).")
    assert resolver.cited == ["smith1995", "kovacs2016"]


@pytest.mark.parametrize("text, problem", [
    ("{glue:text}`missing`", "'missing'"),
    ("{cite:p}`nobody2020`", "'nobody2020'"),
    ("the area is $a^2$", "maths"),
    ("{math}`a^2`", "maths"),
])
def test_resolver_refuses_what_the_slides_cannot_show(text: str, problem: str) -> None:
    with pytest.raises(slides.SlidesError, match=re.escape(problem)):
        _resolver().markdown(text)


def test_glue_values_reads_the_stored_records() -> None:
    nb = nbformat.v4.new_notebook()
    record = nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": "29"},
                                    metadata={"scrapbook": {"name": "age",
                                                            "mime_prefix": "application/papermill.record/"}})
    shown = nbformat.v4.new_output("display_data", data={"text/plain": "shown"})
    nb.cells.append(nbformat.v4.new_code_cell("glue(...)", outputs=[record, shown]))
    assert slides.glue_values(nb) == {"age": "29"}


def _small_notebook() -> nbformat.NotebookNode:
    long_answer = "\n\n".join(f"Paragraph {i} " + "words " * 60 for i in range(6))
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "F"})
    table = nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"})
    md = nbformat.v4.new_markdown_cell
    figure = nbformat.v4.new_code_cell("plot()", outputs=[image])
    figure.metadata["mystnb"] = {"figure": {"caption": "Her pain.", "name": "fig-pain"},
                                 "image": {"alt": "A line falling from 9 to 0"}}
    return nbformat.v4.new_notebook(cells=[
        md("# A case\n\nIntro."),
        md("## Stage 1: start\n\nFacts. {numref}`fig-pain` shows it."),
        nbformat.v4.new_code_cell("t", outputs=[table]),
        figure,
        md(":::{admonition} Question for the room\n:class: tip\nWhat now?\n:::\n\n"
           f":::{{dropdown}} Answer\n{long_answer}\n:::\n\nAfter the answer."),
        md("## Stage 2: next\n\n:::{admonition} Question 1\nWhy?\n:::\n\n"
           ":::{admonition} Answer 1\n:class: dropdown\nBecause.\n:::"),
        md("## Check yourself\n\n```{quiz} q1\nWhich?\n\n- [ ] One\n  No.\n- [x] Two\n  Yes, two.\n```"),
    ])


def test_plan_slides_puts_answers_after_questions_and_notes_on_stages() -> None:
    planned = slides.plan_slides(_small_notebook(), _resolver(), {1: ["Prompt one."], 2: ["P2."]})
    kinds = [(s.group, s.stage, s.kind) for s in planned]
    stage1 = [k for g, st, k in kinds if st == 1]
    assert stage1[:3] == ["content", "figure", "question"], kinds
    first_answer = stage1.index("answer")
    assert set(stage1[first_answer:-1]) == {"answer"} and stage1[-1] == "content", stage1
    assert stage1.count("answer") >= 2, "a long answer continues on further slides"
    assert [k for g, st, k in kinds if st == 2][-2:] == ["question", "answer"]
    quiz = [k for g, st, k in kinds if g == 3]
    assert quiz == ["content", "question", "answer"], kinds
    assert all(s.notes == ["Prompt one."] for s in planned if s.stage == 1)
    assert all(not s.notes for s in planned if s.stage is None)
    quiz_answer = "".join(c.source for c in planned[-1].cells)
    assert "**B.** Two" in quiz_answer and "Yes, two." in quiz_answer
    figure = "".join(c.source for s in planned if s.kind == "figure" for c in s.cells)
    assert 'alt="A line falling from 9 to 0"' in figure and "Figure 1." in figure
    facts = "".join(c.source for c in planned[1].cells if c.cell_type == "markdown")
    assert "Figure 1 shows it" in facts


def test_plan_slides_needs_a_stage() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n\n## Intro\n\nText.")])
    with pytest.raises(slides.SlidesError, match="no stage"):
        slides.plan_slides(nb, _resolver(), {})


def test_reword_replaces_web_only_phrases_across_line_breaks() -> None:
    rules = [{"page": "stay folded below the question: commit", "slides": "follow: commit"},
             {"page": "Open after the quiz", "slides": ""}]
    text = "The answers stay folded\nbelow the question: commit now.\n\n### Open after the quiz"
    assert slides.reword(text, rules) == "The answers follow: commit now.\n\n### "
    assert slides.reword("Nothing to change (stay folded).", rules) == "Nothing to change (stay folded)."


def test_plan_rows_reads_the_timed_plans_only() -> None:
    guide = "\n".join([
        "# Guide", "", "## A 60-minute plan", "", "| Time | Stage | What happens | On screen |",
        "|---|---|---|---|", "| 0-3 | Opening | The warning | title |", "| 58-60 | Close | Key points? | x |",
        "", "## A 90-minute plan", "", "| 0-5 | Opening | Ground rules. | title |",
        "", "## Misconceptions", "", "| a | Opening | Not a plan row | b |",
    ])
    rows = slides.plan_rows(guide)
    assert rows["Opening"] == ["A 60-minute plan: The warning.", "A 90-minute plan: Ground rules."]
    assert rows["Close"] == ["A 60-minute plan: Key points?"]


def _wording() -> dict:
    """A wording file written here, not read from tools/slides/deck.json."""
    return {"web_only": [{"page": "Open after the quiz", "slides": "After the quiz"}],
            "guide_rows": {"title": "Opening"},
            "sections": {"check yourself": "quiz_intro", "key points": "key_points"},
            "cues": {"title": "T-cue", "quiz_intro": "Intro-cue", "quiz_question": "QQ-cue",
                     "quiz_answer": "QA-cue", "key_points": "KP-cue", "sources": "S-cue",
                     "content": "C-cue"}}


def test_finish_slides_gives_every_slide_a_note_and_rewords_the_page() -> None:
    nb = _small_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "## Key points\n\n:::{dropdown} Open after the quiz\n- One.\n:::"))
    planned = slides.plan_slides(nb, _resolver(), {1: ["Prompt one."]}, _wording())
    slides.finish_slides(planned, _wording(), {"Opening": ["Plan: the warning."]})
    notes = {(s.group, s.kind, tuple(s.notes)) for s in planned}
    assert all(s.notes and all(n.strip() for n in s.notes) for s in planned), notes
    by_kind = {(s.group, s.kind): s.notes for s in planned}
    assert by_kind[(0, "title")] == ["Plan: the warning."]
    assert by_kind[(1, "question")] == ["Prompt one."]
    assert by_kind[(2, "question")] == ["C-cue"], "a stage without prompts gets the generic cue"
    assert by_kind[(3, "question")] == ["QQ-cue"] and by_kind[(3, "answer")] == ["QA-cue"]
    assert by_kind[(3, "content")] == ["Intro-cue"] and by_kind[(4, "answer")] == ["KP-cue"]
    text = "".join(c.source for s in planned for c in s.cells)
    assert "Open after" not in text and "### After the quiz" in text


def test_questions_are_numbered_as_the_handout_numbers_them() -> None:
    planned = slides.plan_slides(_small_notebook(), _resolver(), {}, _wording())
    titles = [re.search(r"^### (.+)$", "".join(c.source for c in s.cells), re.M)[1]
              for s in planned if s.kind == "question"]
    # Two questions for the room (the second titled "Question 1" in the page), then the quiz.
    assert titles == ["Question 1 for the room", "Question 2", "Question 3"], titles
    answers = [c.source for s in planned if s.kind == "answer" for c in s.cells]
    assert any("### Answer to question 3" in a for a in answers)


def test_the_deck_wording_file_has_a_cue_for_every_kind_of_slide() -> None:
    wording = slides.load_wording()
    kinds = {"title", "content", "question", "answer", "figure", "sources",
             "quiz_question", "quiz_answer"} | set(wording["sections"].values())
    assert kinds <= set(wording["cues"]), kinds - set(wording["cues"])
    page = "\n".join(_markdown_cells())
    for rule in wording["web_only"]:
        assert letters(rule["page"]) in letters(page), f"no longer on the page: {rule['page']!r}"


def test_vendored_files_match_the_manifest_and_carry_licences() -> None:
    manifest = json.loads(slides.MANIFEST.read_text(encoding="utf-8"))
    names = {p["name"]: p for p in manifest["packages"]}
    assert set(names) == {"reveal.js", "requirejs", "jquery"}
    assert names["reveal.js"]["version"].startswith("4.")
    for package in manifest["packages"]:
        assert package["license"], package["name"]
        for name, digest in package["files"].items():
            data = (slides.VENDOR / package["dir"] / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, f"{package['dir']}/{name} changed"
            for line in package.get("drop_lines", {}).get(name, []):
                assert line.encode() not in data
    assert "LICENSE" in names["reveal.js"]["files"] and "LICENSE.txt" in names["jquery"]["files"]
    assert b"@license RequireJS" in (slides.VENDOR / "requirejs" / "require.js").read_bytes()


def _fake_npm(bin_dir: Path, files: dict[str, str]) -> None:
    """An ``npm`` whose ``pack NAME@VERSION`` writes a tarball holding ``files``."""
    script = bin_dir / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import io, sys, tarfile\n"
        f"files = {files!r}\n"
        "spec = sys.argv[2]\n"
        "name = spec.replace('@', '-') + '.tgz'\n"
        "with tarfile.open(name, 'w:gz') as tar:\n"
        "    for path, text in files.items():\n"
        "        data = text.encode()\n"
        "        info = tarfile.TarInfo('package/' + path); info.size = len(data)\n"
        "        tar.addfile(info, io.BytesIO(data))\n"
        "print(name)\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_refresh_vendor_copies_the_listed_files_and_drops_lines(tmp_path, monkeypatch) -> None:
    _fake_npm(tmp_path, {"dist/a.css": "@import url(font.css);\nbody {}\n", "LICENSE": "MIT\n"})
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"packages": [{
        "name": "pkg", "version": "1.0.0", "license": "MIT", "dir": "pkg",
        "files": {"dist/a.css": "", "LICENSE": ""},
        "drop_lines": {"dist/a.css": ["@import url(font.css);"]}}]}), encoding="utf-8")
    slides.refresh_vendor(manifest, tmp_path / "vendor")
    written = (tmp_path / "vendor" / "pkg" / "dist" / "a.css").read_text(encoding="utf-8")
    assert written == "body {}\n"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))["packages"][0]["files"]
    assert recorded["dist/a.css"] == hashlib.sha256(b"body {}\n").hexdigest()
    _fake_npm(tmp_path, {"dist/a.css": "body {}\n", "LICENSE": "MIT\n"})
    with pytest.raises(slides.SlidesError, match="line to drop is gone"):
        slides.refresh_vendor(manifest, tmp_path / "vendor")


def test_build_writes_the_slides_and_rebuilds_only_when_outdated(tmp_path) -> None:
    out = tmp_path / "site" / "slides" / "seminar.html"
    assert slides.main(["--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'class="notes"' in page and "data-plro-kind" in page
    assert not re.findall(r"""(?:src|href)=["']https?://""", page), "the slides load from another host"
    for package in json.loads(slides.MANIFEST.read_text(encoding="utf-8"))["packages"]:
        for name in package["files"]:
            assert (out.parent / "vendor" / package["dir"] / name).is_file()
    assert slides.build_if_outdated(out) is False
    fresh = tmp_path / "other" / "seminar.html"
    assert slides.build_if_outdated(fresh) is True and fresh.is_file()


# ---------------------------------------------------------------------------
# The built slides in Chromium, offline


_COLLECT_JS = """
() => Reveal.getSlides().map((s) => {
  const i = Reveal.getIndices(s);
  Reveal.slide(i.h, i.v);
  const rect = s.getBoundingClientRect();
  const text = [...s.childNodes].filter((n) => n.nodeName !== 'ASIDE')
    .map((n) => n.textContent || '').join(' ');
  return {h: i.h, v: i.v, kind: s.dataset.plroKind || '', stage: s.dataset.plroStage || '',
          current: Reveal.getCurrentSlide() === s, shown: rect.width > 0 && rect.height > 0,
          height: s.scrollHeight, text,
          heading: (s.querySelector('h1, h2') || {textContent: ''}).textContent,
          title: (s.querySelector('h3') || {textContent: ''}).textContent,
          notes: (s.querySelector('aside.notes') || {textContent: ''}).textContent,
          notesApi: Boolean(Reveal.getSlideNotes(s)),
          images: [...s.querySelectorAll('img')].map((m) => [m.naturalWidth, m.alt])};
})
"""


@pytest.fixture(scope="module")
def deck(browser, site_server):
    """Every slide of the built deck, visited in order, and what the browser saw meanwhile."""
    if not (site_dir() / SLIDES_PAGE).is_file():
        pytest.fail(f"no {SLIDES_PAGE} in {site_dir()}: run `make book` (or `make slides`)",
                    pytrace=False)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    seen = {"external": [], "console": [], "failed": []}

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            seen["external"].append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["console"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: seen["failed"].append(f"{r.url}: HTTP {r.status}")
            if r.status >= 400 else None)
    try:
        page.goto(site_server.url + SLIDES_PAGE, wait_until="load")
        page.wait_for_selector("html[data-slides-ready]", timeout=15000)
        page.evaluate("Reveal.configure({transition: 'none'})")
        total = page.evaluate("Reveal.getTotalSlides()")
        seen["slides"] = page.evaluate(_COLLECT_JS)
        seen["total"] = total
        seen["height"] = page.evaluate("Reveal.getConfig().height")
    finally:
        context.close()
    return seen


@pytest.mark.browser
def test_slides_load_offline_without_errors(deck) -> None:
    assert not deck["external"], f"requests to other hosts: {deck['external']}"
    assert not deck["console"], f"console errors: {deck['console']}"
    assert not deck["failed"], f"failed requests: {deck['failed']}"


@pytest.mark.browser
def test_every_slide_renders_and_fits(deck) -> None:
    assert deck["total"] == len(deck["slides"]) > 0
    bad = [f"{s['h']}/{s['v']} ({s['heading'] or s['kind']})" for s in deck["slides"]
           if not (s["current"] and s["shown"] and (s["text"].strip() or s["images"]))]
    assert not bad, f"slides that did not show: {bad}"
    tall = [f"{s['h']}/{s['v']}: {s['height']} px" for s in deck["slides"] if s["height"] > deck["height"]]
    assert not tall, f"slides taller than the {deck['height']} px slide: {tall}"
    broken = [(s["h"], s["v"], w, alt) for s in deck["slides"] for w, alt in s["images"]
              if not w or len(alt.strip()) < 10]
    assert not broken, f"images that did not load or lack alt text: {broken}"


@pytest.mark.browser
def test_every_stage_has_slides_questions_then_answers(deck) -> None:
    stages = _stages()
    assert stages, f"no '## Stage N' heading found in {NOTEBOOK}"
    for number, expected in stages.items():
        group = [s for s in deck["slides"] if s["stage"] == str(number)]
        assert group and f"Stage {number}" in group[0]["heading"], f"no slide group for stage {number}"
        kinds = [s["kind"] for s in group]
        runs = [i for i, k in enumerate(kinds) if k == "answer" and (i == 0 or kinds[i - 1] != "answer")]
        assert all(i > 0 and kinds[i - 1] == "question" for i in runs), (
            f"stage {number}: an answer slide that does not follow its question: {kinds}")
        assert len(runs) == expected["questions"], (number, kinds, expected)
        for phrase in expected["answers"]:
            where = [s["kind"] for s in deck["slides"] if letters(phrase) in letters(s["text"])]
            assert where and set(where) == {"answer"}, f"stage {number}: {phrase!r} is on {where}"


@pytest.mark.browser
def test_stage_slides_carry_the_guides_prompts_as_notes(deck) -> None:
    prompts = _guide_prompts()
    assert prompts, f"no '**Stage N.**' prompt found in {GUIDE}"
    for number, words in prompts.items():
        group = [s for s in deck["slides"] if s["stage"] == str(number)]
        assert group, f"the guide has prompts for stage {number}, the slides no such stage"
        missing = [f"{s['h']}/{s['v']}" for s in group
                   if not s["notesApi"] or letters(words) not in letters(s["notes"])]
        assert not missing, f"stage {number}: slides without the prompt {words!r} in their notes: {missing}"


@pytest.mark.browser
def test_every_figure_of_the_case_is_on_a_slide(deck) -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    figures = [c for c in nb["cells"] if c["cell_type"] == "code"
               and "remove-output" not in c["metadata"].get("tags", [])
               and any(m in o.get("data", {}) for o in c.get("outputs", [])
                       for m in ("image/png", "image/svg+xml"))]
    shown = [s for s in deck["slides"] if s["images"]]
    assert len(shown) == len(figures) > 0


@pytest.mark.browser
def test_the_case_page_and_the_guide_link_the_slides(built_site: Path) -> None:
    for page in (slides.CASE_NOTEBOOK.replace(".ipynb", ".html"), slides.GUIDE.replace(".md", ".html")):
        markup = (built_site / page).read_text(encoding="utf-8")
        hrefs = re.findall(r'href="([^"]*slides/seminar\.html)"', markup)
        assert hrefs, f"{page} does not link the slides"
        target = (built_site / page).parent / hrefs[0]
        assert target.resolve() == (built_site / SLIDES_PAGE).resolve()


WEB_ONLY = re.compile(r"\b(folded|fold(?:s|ed)? away|open (?:after|them|it|the box)|click|tap|"
                      r"drop-?down|expand|scroll down|below the question)\b", re.I)
"""Words that speak to a reader of the web page, not to a room watching slides."""


@pytest.mark.browser
def test_every_slide_carries_a_speaker_note(deck) -> None:
    silent = [f"{s['h']}/{s['v']} ({s['heading'] or s['title'] or s['kind']})" for s in deck["slides"]
              if not (s["notesApi"] and len(s["notes"].split()) >= 5)]
    assert not silent, f"slides without speaker notes: {silent}"


@pytest.mark.browser
def test_no_slide_speaks_to_a_web_reader(deck) -> None:
    found = [(s["h"], s["v"], m.group(0)) for s in deck["slides"] for m in WEB_ONLY.finditer(s["text"])]
    assert not found, f"web-only wording on slides: {found}"


@pytest.mark.browser
def test_quiz_numbers_follow_the_handout(deck) -> None:
    """The handout (tools/handout) counts the room's questions and the quiz in one run."""
    label = json.loads((REPO_ROOT / "tools/handout/editions.json").read_text("utf-8"))["question_label"]
    source = "\n".join(_markdown_cells())
    room = len(re.findall(r"^:{3,}\{admonition\}[^\n]*[Qq]uestion", source, re.M))
    quizzes = len(re.findall(r"^`{3,}\{quiz\}", source, re.M))
    assert room and quizzes, (room, quizzes)
    asked = [s["title"] for s in deck["slides"] if s["kind"] == "question"]
    expected = [label.format(n=n) for n in range(1, room + quizzes + 1)]
    assert [t.split(" for ")[0].strip() for t in asked] == expected, asked


@pytest.fixture(scope="module")
def figure_sizes(browser, site_server):
    """Per screen size, each figure slide's image height as a share of the screen's height."""
    sizes = {}
    for width, height in ((1280, 800), (1920, 1080)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("http://127.0.0.1", "data:", "blob:", "about:")) else r.abort())
        try:
            page.goto(site_server.url + SLIDES_PAGE, wait_until="load")
            page.wait_for_selector("html[data-slides-ready]", timeout=15000)
            page.evaluate("Reveal.configure({transition: 'none'})")
            sizes[(width, height)] = page.evaluate("""() => Reveal.getSlides()
              .filter((s) => s.querySelector('img')).map((s) => {
                const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
                const box = s.querySelector('img').getBoundingClientRect();
                const cap = s.querySelector('figcaption');
                return {at: i.h + '/' + i.v, share: box.height / window.innerHeight,
                        caption: cap ? parseFloat(getComputedStyle(cap).fontSize) * Reveal.getScale() : 0};
              })""")
        finally:
            context.close()
    return sizes


@pytest.mark.browser
def test_figures_fill_the_slide_on_a_projector(figure_sizes) -> None:
    for screen, figures in figure_sizes.items():
        assert figures, f"no figure slide at {screen}"
        small = [f for f in figures if f["share"] < 0.5]
        assert not small, f"{screen}: figures under half the screen's height: {small}"
        unreadable = [f for f in figures if f["caption"] < 20]
        assert not unreadable, f"{screen}: captions under 20 px on screen: {unreadable}"
