"""The whole book as one PDF (``tools.book_pdf``, ``make pdf``) and the site's link to it.

The built PDF (``_build/html/downloads/plro-book.pdf``, which ``make book`` prints) is read
with pypdf and checked against the sources, read here independently of ``tools.book_pdf``:
the chapter titles from the pages that ``_toc.yml`` lists, the references from
``book/references.bib``, and the answers (drop-downs, exercise solutions, quiz feedback)
from the Markdown of every page. A missing PDF or Chromium fails (never skips).
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file
from pypdf import PdfReader

from tests.support.site import REPO_ROOT, site_dir, toc_pages
from tests.test_slides import letters, outputs_text, phrases, plain
from tools import book_pdf

PDF = "downloads/plro-book.pdf"


def _words(text: str) -> str:
    """Lower-case letters and digits separated by single spaces (ligatures and quotes folded)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()
    return " ".join(re.findall(r"[a-z0-9]+", text.replace("'", "")))


def _source(docname: str) -> tuple[Path, list[str]]:
    """A page's source file and its Markdown (a notebook's Markdown cells, in order)."""
    for suffix in (".md", ".ipynb"):
        path = REPO_ROOT / f"{docname}{suffix}"
        if path.is_file():
            if suffix == ".md":
                return path, [path.read_text(encoding="utf-8")]
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            return path, ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    raise AssertionError(f"no source for {docname} of _toc.yml")


def _title(docname: str) -> str:
    path, markdown = _source(docname)
    found = re.search(r"^# (.+)$", "\n\n".join(markdown), re.M)
    assert found, f"{path} has no '# ' title"
    return plain(found[1]).strip()


ANSWER_BLOCKS = [
    re.compile(r"^(:{3,}|`{3,})\{dropdown\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S),
    re.compile(r"^(:{3,}|`{3,})\{admonition\}[^\n]*\n:class:[^\n]*\bdropdown\b[^\n]*\n(.*?)^\1\s*$",
               re.M | re.S),
    re.compile(r"^(:{3,}|`{3,})\{solution\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S),
    re.compile(r"^(`{3,})\{solution-start\}.*?^\1\s*$(.*?)^`{3,}\{solution-end\}", re.M | re.S),
]
QUIZ = re.compile(r"^(`{3,})\{quiz\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


def _answers_and_rest(markdown: str) -> tuple[list[str], str]:
    """The answer texts of a page (drop-downs, solutions, quiz feedback) and everything else."""
    answers = []
    for pattern in ANSWER_BLOCKS:
        answers += [m[1] for m in pattern.findall(markdown)]
        markdown = pattern.sub("", markdown)
    for quiz in QUIZ.findall(markdown):
        answers += [line.strip() for line in quiz[1].splitlines()
                    if line.startswith("  ") and line.strip()]
    markdown = QUIZ.sub("", markdown)
    return answers, markdown


# ---------------------------------------------------------------------------
# The printer's parts


def test_toc_chapters_lists_pages_in_order_with_their_parts(tmp_path: Path) -> None:
    toc = tmp_path / "_toc.yml"
    toc.write_text(yaml.safe_dump({"format": "jb-book", "root": "book/intro", "parts": [
        {"caption": "One", "chapters": [{"file": "notebooks/01-a"},
                                        {"file": "notebooks/02-b.ipynb",
                                         "sections": [{"file": "book/c.md"}]}]},
        {"caption": "Two", "chapters": [{"file": "book/d"}]}]}), encoding="utf-8")
    assert book_pdf.toc_chapters(toc) == [
        book_pdf.Chapter("book/intro", ""), book_pdf.Chapter("notebooks/01-a", "One"),
        book_pdf.Chapter("notebooks/02-b", "One"), book_pdf.Chapter("book/c", "One"),
        book_pdf.Chapter("book/d", "Two")]
    (tmp_path / "bad.yml").write_text("chapters: []\n", encoding="utf-8")
    with pytest.raises(book_pdf.BookPdfError, match="bad.yml"):
        book_pdf.toc_chapters(tmp_path / "bad.yml")


def test_is_outdated_follows_the_sources(tmp_path: Path) -> None:
    for name in ("_config.yml", "_toc.yml", "notebooks/a.ipynb", "book/b.md", "tools/book_pdf.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    pdf = tmp_path / "book.pdf"
    assert book_pdf.is_outdated(pdf, tmp_path)
    pdf.write_bytes(b"%PDF")
    later = time.time() + 100
    os.utime(pdf, (later, later))
    assert not book_pdf.is_outdated(pdf, tmp_path)
    cache = tmp_path / "book" / "__pycache__" / "x.pyc"
    cache.parent.mkdir()
    cache.write_bytes(b"")
    os.utime(cache, (later + 10, later + 10))
    assert not book_pdf.is_outdated(pdf, tmp_path), "a byte-code cache is not a source"
    os.utime(tmp_path / "book" / "b.md", (later + 10, later + 10))
    assert book_pdf.is_outdated(pdf, tmp_path)


DOT = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
       "RU5ErkJggg==")
"""A one-pixel PNG."""
SMALL_BOOK = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>
<body><header class="bd-header">Site navigation</header><main><article class="bd-article">
<section id="intro"><h1>The small book</h1><p>Intro text. See <a href="https://example.org/x">a site</a>
and <a href="https://doi.org/10.1/abc">doi:10.1/abc</a> and
<a href="intro.html#ch2">chapter two</a> and <a href="../downloads/kit.zip">the kit</a>.</p>
<div class="toctree-wrapper compound">
<span id="document-ch1"></span><section id="ch1"><h3><span class="section-number">1. </span>Chapter one</h3>
<p class="plro-kit">Run this yourself: download</p><p>Question text stays.</p>
<details class="sd-dropdown"><summary>Answer</summary><p>Hidden answer alpha.</p></details>
<div class="admonition dropdown"><p class="admonition-title">Answer 1</p><p>Hidden answer beta.</p></div>
<div class="solution admonition"><p>Hidden answer gamma.</p></div>
<div class="plro-quiz"><fieldset><legend>Which one?</legend>
<div class="plro-quiz__feedbacks">Hidden answer delta.</div></fieldset></div>
<details class="admonition hide above-input"><summary>Show code cell source</summary>
<pre>x = 1</pre></details>
<figure><img alt="a dot" style="width:300px;height:300px" src="data:image/png;base64,DOT">
<figcaption>Fig. 1.1 A dot.</figcaption></figure>
</section>
<span id="document-ch2"></span><section id="ch2"><h3>Chapter two</h3>PARAGRAPHS</section>
</div></section></article></main><footer class="bd-footer">Site footer</footer></body></html>"""


@pytest.mark.browser
def test_print_pdf_numbers_pages_lists_contents_and_leaves_answers_out(tmp_path: Path, browser) -> None:
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "intro", "parts": [
        {"caption": "Part A", "chapters": [{"file": "ch1"}]},
        {"caption": "Part B", "chapters": [{"file": "ch2"}]}]}), encoding="utf-8")
    (tmp_path / "_config.yml").write_text(yaml.safe_dump({
        "title": "The small book", "author": "Someone",
        "html": {"extra_footer": "<p>Licensed CC BY 4.0.</p>"}}), encoding="utf-8")
    page = tmp_path / "plro-book-print.html"
    page.write_text(SMALL_BOOK.replace("PARAGRAPHS", "<p>Long text. </p>" * 400)
                    .replace("DOT", DOT), encoding="utf-8")
    out = book_pdf.print_pdf(page, tmp_path / "out" / "book.pdf", root=tmp_path, browser=browser)
    reader = PdfReader(out)
    texts = [p.extract_text() for p in reader.pages]
    total = len(texts)
    assert total >= 5
    assert all(f"page {i} of {total}" in t for i, t in enumerate(texts, 1))
    everything = _words(" ".join(texts))
    for gone in ("hidden answer", "show code cell source", "run this yourself", "site navigation",
                 "site footer"):
        assert gone not in everything
    assert "question text stays" in everything and "which one" in everything
    assert "a site https example org x" in everything
    assert "doi 10 1 abc https" not in everything, "a DOI link printed its address twice"
    starts = {name: next(i for i, t in enumerate(texts, 1) if t.lstrip().startswith(prefix))
              for name, prefix in (("ch1", "PART A\n1."), ("ch2", "PART B\nChapter two"))}
    contents = _words(texts[1])
    assert contents.startswith("contents the small book 3 part a 1 chapter one")
    assert f"chapter one {starts['ch1']} part b chapter two {starts['ch2']}" in contents
    assert reader.metadata.title == "The small book"


def test_main_without_chromium_or_when_up_to_date(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(book_pdf, "find_chromium", lambda: None)
    assert book_pdf.main(["--if-chromium", "--out", str(tmp_path / "x.pdf")]) == 0
    assert "no Chromium" in capsys.readouterr().err
    assert book_pdf.main(["--out", str(tmp_path / "x.pdf")]) == 1
    assert "no Chromium" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()
    with pytest.raises(book_pdf.BookPdfError, match="no Chromium"):
        book_pdf.build_pdf(tmp_path / "x.pdf")
    monkeypatch.undo()
    done = tmp_path / "done.pdf"
    done.write_bytes(b"%PDF")
    later = time.time() + 3600
    os.utime(done, (later, later))
    assert book_pdf.main(["--if-outdated", "--out", str(done)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_failed_single_page_build_says_so(tmp_path: Path) -> None:
    with pytest.raises(book_pdf.BookPdfError, match="single-page build failed"):
        book_pdf.build_singlehtml(tmp_path, tmp_path / "work")


# ---------------------------------------------------------------------------
# The book's PDF, as make book printed it (marked "browser" like every test of the built site)


@pytest.fixture(scope="module")
def book() -> dict:
    """The built PDF's pages: their text, and the large (heading) text on each."""
    path = site_dir() / PDF
    if not path.is_file():
        pytest.fail(f"no {path}: `make book` prints it when Chromium is installed (or `make pdf`)",
                    pytrace=False)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    pages, headings = [], []
    for page in reader.pages:
        runs: list[tuple[float, str]] = []

        def run(text, cm, tm, font, size, runs=runs) -> None:
            runs.append((round(size * (tm[3] or 1) * (cm[3] or 1), 1), text))

        page_text = page.extract_text(visitor_text=run)
        sizes = Counter(s for s, t in runs if t.strip())
        body = sizes.most_common(1)[0][0] if sizes else 0
        pages.append(page_text)
        headings.append(" ".join(t for s, t in runs if body and s >= 1.5 * body))
    return {"pages": pages, "headings": headings, "bytes": path.read_bytes()[:5]}


def _chapter_starts(book: dict) -> list[tuple[str, int]]:
    starts, after = [], 1
    for docname in toc_pages():
        title = _words(_title(docname))
        page = next((i for i in range(after, len(book["pages"]) + 1)
                     if title in _words(book["headings"][i - 1])), None)
        assert page is not None, f"the chapter {title!r} ({docname}) has no heading page after page {after}"
        starts.append((title, page))
        after = page
    return starts


@pytest.mark.browser
def test_every_chapter_is_there_in_toc_order(book: dict) -> None:
    starts = _chapter_starts(book)
    pages = [p for _, p in starts]
    assert pages == sorted(pages) and len(set(pages)) == len(pages), starts
    assert book["bytes"] == b"%PDF-"


@pytest.mark.browser
def test_every_page_is_numbered(book: dict) -> None:
    total = len(book["pages"])
    missing = [i for i, text in enumerate(book["pages"], 1) if f"page {i} of {total}" not in text]
    assert not missing, f"pages without 'page n of {total}': {missing[:10]}"


@pytest.mark.browser
def test_contents_give_each_chapter_its_page(book: dict) -> None:
    starts = _chapter_starts(book)
    contents = next(i for i, h in enumerate(book["headings"]) if "contents" in _words(h))
    assert contents + 1 < starts[0][1], "the contents come after the first chapter"
    listed = _words(" ".join(book["pages"][contents:starts[0][1] - 1]))
    position = 0
    for title, page in starts:
        found = re.compile(re.escape(title) + r" (\d+)").search(listed, position)
        assert found, f"the contents do not list {title!r} (after position {position})"
        assert int(found[1]) == page, f"the contents give {title!r} page {found[1]}, it starts on {page}"
        position = found.end()


@pytest.mark.browser
def test_references_are_printed(book: dict) -> None:
    page = next(d for d in toc_pages() if "{bibliography}" in "".join(_source(d)[1]))
    references = _words(_title(page))
    start = next(p for t, p in _chapter_starts(book) if t == references)
    printed = _words(" ".join(book["pages"][start - 1:]))
    entries = parse_file(str(REPO_ROOT / "book" / "references.bib")).entries
    cited = [e for e in entries.values() if "refnumber" in e.fields]
    assert cited, "references.bib has no entry of the paper's reference list"
    missing = [key for key, e in entries.items() if "refnumber" in e.fields
               and " ".join(_words(e.fields["title"].replace("{", "").replace("}", "")).split()[:6])
               not in printed]
    assert not missing, f"references not printed: {missing}"


@pytest.mark.browser
def test_no_answer_is_printed(book: dict) -> None:
    sources = ["\n\n".join(_source(d)[1]) for d in toc_pages()]
    split = [_answers_and_rest(s) for s in sources]
    pages = set(toc_pages())
    included = [p.read_text(encoding="utf-8") for p in (REPO_ROOT / "book").rglob("*")
                if p.suffix in {".md", ".csv"} and p.relative_to(REPO_ROOT).with_suffix("").as_posix()
                not in pages]
    notebooks = [REPO_ROOT / f"{d}.ipynb" for d in pages if (REPO_ROOT / f"{d}.ipynb").is_file()]
    elsewhere = letters(" ".join([plain(rest) for _, rest in split] + included
                                 + [outputs_text(n) for n in notebooks]))
    answers = [a for found, _ in split for a in found]
    assert len(answers) > 10, "too few answers found in the sources to check the PDF"
    printed = letters(" ".join(book["pages"]))
    checked = [next((q for q in phrases(a) if letters(q) not in elsewhere), None) for a in answers]
    checked = [p for p in checked if p]
    assert len(checked) > 10
    leaked = [p for p in checked if letters(p) in printed]
    assert not leaked, f"answer text in the PDF: {leaked[:5]}"
    questions = [p for _, rest in split for p in list(phrases(rest))[:1]]
    assert sum(letters(q) in printed for q in questions) >= 0.8 * len(questions), (
        "the PDF's text does not even hold the pages' other text: the check above proves nothing")


@pytest.mark.browser
def test_the_root_page_links_the_pdf(built_site: Path) -> None:
    root = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))["root"]
    page = built_site / f"{Path(root).with_suffix('')}.html"
    hrefs = re.findall(r'href="([^"]*plro-book\.pdf)"', page.read_text(encoding="utf-8"))
    assert hrefs, f"{page} does not link the PDF"
    assert ((page.parent / hrefs[0]).resolve() == (built_site / PDF).resolve())
