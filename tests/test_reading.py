"""What a reader sees, on every page of the book, at desktop (1280 px) and phone (390 px) width.

Each page of ``_toc.yml`` (:func:`tests.support.site.toc_pages`, so a new page is covered
without editing this file) is loaded in headless Chromium; :func:`tests.support.site.reading_view`
reports what shows. The checks (issue 13, "Done when"):

- no code-cell input visible by default;
- tables in words: no cell reading True/False/NaN/<NA>/None, no snake_case header, no whole
  number printed as a decimal ("126.0", "count 32.00", "30.0 / 100.0");
- figures: every rendered text at least 9 CSS px at 390 px (SVG font size x displayed width /
  SVG width), and every figure a link to its own full-size image, opened in a new tab;
- a table wider than its box shows a scroll cue (a shadow at the edge and a "scroll" hint);
- exactly one search box at 1280 px (at least one at 390 px);
- the references page carries the paper's full citation;
- each page (HTML plus its images) under 1 MB.

A failure names the page, the width, the check and the offending text. The last tests run
every check on a small synthetic site: one page breaking each rule, one following them all
(with the site's own CSS, script and figure links), so each check is shown able to fail.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.site import (
    REPO_ROOT,
    RecordingServer,
    open_visit,
    page_html,
    page_weight,
    reading_view,
    toc_pages,
)

PAGES = toc_pages()
DESKTOP, PHONE = 1280, 390
MIN_TEXT_PX = 9.0
MAX_PAGE_BYTES = 1_000_000
REFERENCES_PAGE = "book/references"
PAPER_CITATION = ("Turkish Neurosurgery", "2022", "10.5137/1019-5149.JTN.36058-21.1")
"""The paper's record as the journal gives it: journal, year, DOI; and volume 32, issue 2:"""
VOLUME_ISSUE = re.compile(r"\b32\s*\(2\)|volume 32,? (issue|number|no\.?) 2\b", re.IGNORECASE)

PROGRAM_VALUES = {"True", "False", "NaN", "nan", "<NA>", "None", "NaT"}
SNAKE_CASE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")
NUMBER = re.compile(r"(?<![\w.])[-+\u2212]?\d+(?:\.\d+)?(?![\w.])")
WHOLE_AS_DECIMAL = re.compile(r"^[-+\u2212]?\d+\.0+$")
COUNT_LABEL = re.compile(r"^(count|n|number)\b", re.IGNORECASE)


def _table_name(table: dict, index: int) -> str:
    head = " | ".join(c["text"] for c in (table["rows"] or [[]])[0])
    return f"table {index + 1} ({(table['caption'] or head)[:60]!r})"


def check_code_hidden(view: dict, width: int) -> list[str]:
    return [f"code input shown: {text!r}" for text in view["codeInputs"]]


def check_no_program_values(view: dict, width: int) -> list[str]:
    return [f"{_table_name(t, i)}: cell {c['text']!r}" for i, t in enumerate(view["tables"])
            for row in t["rows"] for c in row if c["text"] in PROGRAM_VALUES]


def check_human_headers(view: dict, width: int) -> list[str]:
    problems = []
    for i, table in enumerate(view["tables"]):
        has_head = any(c["head"] for row in table["rows"] for c in row)
        heads = [c for r, row in enumerate(table["rows"]) for c in row
                 if c["th"] and (c["head"] if has_head else r == 0)]
        problems += [f"{_table_name(table, i)}: header {c['text']!r}" for c in heads
                     if SNAKE_CASE.match(c["text"])]
    return problems


NUMERIC_CELL = re.compile(r"[\s\d.,:;%()\[\]/\u00b1\u2013\u2212+-]*")
FRACTION = re.compile(r"^[-+\u2212]?\d+\.\d*[1-9]\d*$")


def check_integers_as_integers(view: dict, width: int) -> list[str]:
    """A whole number printed as a decimal ("126.0", "32.00", "30.0 / 100.0") in a numeric cell.

    Decimals are justified when the cell's row or column also holds a fraction (a median
    of 2.0 beside means of 2.3 keeps one decimal); a count ("count", "n" or "number" row or
    column) never is. Prose cells, where a number is part of a sentence, are not judged.
    """
    problems = []
    for i, table in enumerate(view["tables"]):
        labels: dict[int, str] = {}
        body = []
        for row in table["rows"]:
            if any(c["head"] for c in row):
                for c in row:
                    if c["text"]:
                        labels.setdefault(c["col"], c["text"])
            else:
                body.append(row)
        cells = []  # (row index, column, row label, tokens, text)
        for r, row in enumerate(body):
            label = row[0]["text"] if row and row[0]["th"] else ""
            for cell in row[1:] if label else row:
                if cell["text"] and NUMERIC_CELL.fullmatch(cell["text"]):
                    cells.append((r, cell["col"], label, NUMBER.findall(cell["text"]), cell["text"]))
        rows_with_fraction = {r for r, _, _, tokens, _ in cells if any(map(FRACTION.match, tokens))}
        cols_with_fraction = {c for _, c, _, tokens, _ in cells if any(map(FRACTION.match, tokens))}
        for r, col, label, tokens, text in cells:
            if not any(WHOLE_AS_DECIMAL.match(t) for t in tokens):
                continue
            count = COUNT_LABEL.match(label) or COUNT_LABEL.match(labels.get(col, ""))
            if count or (r not in rows_with_fraction and col not in cols_with_fraction):
                where = f"{label or 'row ' + str(r + 1)} / {labels.get(col, f'column {col + 1}')}"
                problems.append(f"{_table_name(table, i)}: {where}: {text!r}")
    return problems


def check_figures_readable(view: dict, width: int) -> list[str]:
    if width != PHONE:
        return []
    problems = []
    for figure in view["figures"]:
        name = figure["alt"][:50] or figure["src"].rsplit("/", 1)[-1]
        if not figure["svg"]:
            problems.append(f"figure {name!r}: a raster image, its text size cannot be checked")
            continue
        scale = figure["width"] / figure["viewBoxWidth"]
        small = sorted((size * scale, text) for size, text in figure["sizes"]
                       if size * scale < MIN_TEXT_PX)
        if small:
            px, text = small[0]
            problems.append(f"figure {name!r}: {len(small)} texts under {MIN_TEXT_PX:g} px, "
                            f"smallest {text!r} at {px:.1f} px")
    return problems


def check_figures_open_full_size(view: dict, width: int) -> list[str]:
    problems = []
    for figure in view["figures"]:
        name = figure["alt"][:50] or figure["src"].rsplit("/", 1)[-1]
        if urlsplit(figure["href"]).path != urlsplit(figure["src"]).path:
            problems.append(f"figure {name!r} is not a link to its image "
                            f"(link: {figure['href'] or 'none'!r})")
        elif figure["target"] != "_blank":
            problems.append(f"figure {name!r}: its link does not open a new tab")
    return problems


def check_wide_tables_cued(view: dict, width: int) -> list[str]:
    return [f"{_table_name(t, i)} scrolls sideways without a cue "
            f"(shadow: {t['shadow']}, hint: {t['hint']!r})"
            for i, t in enumerate(view["tables"])
            if t["shown"] and t["overflowing"]
            and not (t["shadow"] and "scroll" in t["hint"].lower())]


def check_one_search_box(view: dict, width: int) -> list[str]:
    found = view["searches"]
    if width == DESKTOP and len(found) != 1:
        return [f"{len(found)} visible search boxes, want 1: {found}"]
    if width == PHONE and not found:
        return ["no visible search box or button"]
    return []


def check_full_citation(view: dict, width: int) -> list[str]:
    entries = [e for e in view["entries"] if all(part in e for part in PAPER_CITATION)]
    if any(VOLUME_ISSUE.search(e) for e in entries):
        return []
    near = entries or [e for e in view["entries"] if PAPER_CITATION[0] in e]
    return [f"no entry gives {PAPER_CITATION} with volume 32, issue 2; closest: {near[:1] or 'none'}"]


CHECKS = {
    "code-hidden": (check_code_hidden, (DESKTOP, PHONE)),
    "no-True/False/NaN-cells": (check_no_program_values, (DESKTOP,)),
    "human-headers": (check_human_headers, (DESKTOP,)),
    "integers-as-integers": (check_integers_as_integers, (DESKTOP,)),
    "figure-text-9px-on-phone": (check_figures_readable, (PHONE,)),
    "figures-open-full-size": (check_figures_open_full_size, (DESKTOP, PHONE)),
    "wide-tables-cued": (check_wide_tables_cued, (DESKTOP, PHONE)),
    "one-search-box": (check_one_search_box, (DESKTOP, PHONE)),
}


@pytest.fixture(scope="module")
def view_of(browser, site_server):
    """``view_of(docname, width)``: :func:`reading_view` of a page, loaded once per width."""
    seen: dict[tuple[str, int], dict] = {}

    def view(docname: str, width: int) -> dict:
        if (docname, width) not in seen:
            page, visit = open_visit(browser, site_server, page_html(docname), width=width,
                                     height=900)
            try:
                assert visit.status == 200, f"{docname}: HTTP {visit.status}"
                seen[docname, width] = reading_view(page)
            finally:
                page.context.close()
        return seen[docname, width]

    return view


@pytest.mark.browser
@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("docname", PAGES)
def test_page_reads_well(view_of, docname: str, check: str) -> None:
    func, widths = CHECKS[check]
    problems = [f"{docname} at {width} px: {check}: {problem}"
                for width in widths for problem in func(view_of(docname, width), width)]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_references_page_gives_the_papers_full_citation(view_of) -> None:
    assert REFERENCES_PAGE in PAGES
    problems = check_full_citation(view_of(REFERENCES_PAGE, DESKTOP), DESKTOP)
    assert not problems, f"{REFERENCES_PAGE}: full-citation: {problems}"


@pytest.mark.browser
@pytest.mark.parametrize("docname", PAGES)
def test_page_weighs_under_1_mb(built_site: Path, docname: str) -> None:
    total, files = page_weight(built_site, page_html(docname))
    largest = sorted(files.items(), key=lambda kv: -kv[1])[:3]
    assert total < MAX_PAGE_BYTES, (f"{docname}: page-weight: {total:,} bytes (HTML + images) "
                                    f"over {MAX_PAGE_BYTES:,}; largest: {largest}")


@pytest.mark.browser
def test_search_snippets_show_prose_not_code(open_page) -> None:
    page, visit = open_page("search.html?q=patients")
    page.wait_for_function("() => document.querySelectorAll('#search-results li p.context')"
                           ".length >= 3", timeout=30_000)
    snippets = page.eval_on_selector_all("#search-results li p.context", "els => els.map(e => e.textContent)")
    code = [s for s in snippets if re.search(r"\bimport |plt\.|load_\w+\(|\w+_\w+\(", s)]
    assert not code, f"search: snippets-show-prose: snippets quoting code: {code[:3]}"
    assert not visit.page_errors, visit.page_errors


# ---------------------------------------------------------------------------
# Each check on a synthetic site: a page that breaks every rule, and one that keeps them.

def _svg(width: float, font_px: float, text: str, padding: int = 0) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="100pt" '
            f'viewBox="0 0 {width} 100"><!--{"x" * padding}--><text x="5" y="50" '
            f"style=\"font-size: {font_px}px; font-family: 'DejaVu Sans'\">{text}</text></svg>")


WIDE_ROW = "".join(f"<td>value{i}</td>" for i in range(40))
BAD_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad</title>
<style>img {{ max-width: 100%; }}</style></head><body>
<div class="bd-header-article"><button class="search-button">Search</button></div>
<button class="search-button-field">Search</button><article>
<div class="cell_input"><pre>import plro.tables</pre></div>
<table><thead><tr><th>claim_id</th><th>Count</th><th>Value</th></tr></thead>
<tbody><tr><td>True</td><td>126.0</td><td>NaN</td></tr>
<tr><td>&lt;NA&gt;</td><td>32.00</td><td>30.0 / 100.0</td></tr></tbody></table>
<div style="overflow-x: auto"><table><tr>{WIDE_ROW}</tr></table></div>
<figure><img src="tiny.svg" alt="Tiny text figure"></figure>
<div role="list"><div class="citation" role="listitem">Aytar MH et al. Management of PLRO.
Turkish Neurosurgery, n.d. doi:10.5137/1019-5149.JTN.36058-21.1</div></div>
<img src="heavy.svg" alt="A heavy image"></article></body></html>"""
GOOD_BODY = f"""<article><table><thead><tr><th>Patient</th><th>Age (years)</th>
<th>T-score</th></tr></thead><tbody><tr><th>P1</th><td>30</td><td>-1.0</td></tr>
<tr><th>P2</th><td>28</td><td>-2.7</td></tr></tbody></table>
<table><tr>{WIDE_ROW}</tr></table>
<figure class="align-default"><img src="big.svg" alt="Readable figure"></figure>
<div role="list"><div class="citation" role="listitem">Aytar MH et al. Management of PLRO.
Turkish Neurosurgery, 32(2), 2022. doi:10.5137/1019-5149.JTN.36058-21.1</div></div></article>"""


def _link_figures_html():
    spec = importlib.util.spec_from_file_location("plro_site", REPO_ROOT / "book/_ext/plro_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.link_figures_html


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reading-site")
    (root / "_static").mkdir()
    for name in ("plro.css", "plro-reading.js"):
        shutil.copy(REPO_ROOT / "book/_static" / name, root / "_static" / name)
    (root / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    good_head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Good</title>'
                 '<link rel="stylesheet" href="_static/plro.css">'
                 '<script defer src="_static/plro-reading.js"></script></head><body>'
                 '<header><button class="search-button-field">Search</button></header>'
                 '<div class="bd-sidebar-primary"><button class="search-button-field">Search'
                 '</button></div>')
    (root / "good.html").write_text(good_head + _link_figures_html()(GOOD_BODY) + "</body></html>",
                                    encoding="utf-8")
    (root / "tiny.svg").write_text(_svg(504, 8, "tiny axis label"), encoding="utf-8")
    (root / "heavy.svg").write_text(_svg(100, 10, "heavy", padding=1_100_000), encoding="utf-8")
    (root / "big.svg").write_text(_svg(300, 10, "readable label"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def synthetic_views(browser, synthetic_site: Path) -> dict:
    views = {}
    with RecordingServer(synthetic_site) as server:
        for name in ("bad", "good"):
            for width in (DESKTOP, PHONE):
                page, _ = open_visit(browser, server, f"{name}.html", width=width, height=900)
                views[name, width] = reading_view(page)
                page.context.close()
    return views


BROKEN = {
    "code-hidden": ["import plro.tables"],
    "no-True/False/NaN-cells": ["'True'", "'NaN'", "'<NA>'"],
    "human-headers": ["'claim_id'"],
    "integers-as-integers": ["126.0", "32.00", "30.0 / 100.0"],
    "figure-text-9px-on-phone": ["tiny axis label"],
    "figures-open-full-size": ["Tiny text figure"],
    "wide-tables-cued": ["value0"],
    "one-search-box": ["2 visible search boxes"],
}


@pytest.mark.browser
@pytest.mark.parametrize("check", list(CHECKS))
def test_check_fails_on_a_page_that_breaks_it(synthetic_views, check: str) -> None:
    assert set(BROKEN) == set(CHECKS)
    func, widths = CHECKS[check]
    message = "\n".join(p for w in widths for p in func(synthetic_views["bad", w], w))
    missing = [text for text in BROKEN[check] if text not in message]
    assert not missing, f"{check} did not report {missing}; it said: {message!r}"


@pytest.mark.browser
def test_citation_and_weight_checks_fail_on_a_page_that_breaks_them(synthetic_views,
                                                                    synthetic_site) -> None:
    assert check_full_citation(synthetic_views["bad", DESKTOP], DESKTOP)
    total, files = page_weight(synthetic_site, "bad.html")
    assert total > MAX_PAGE_BYTES and "heavy.svg" in files


@pytest.mark.browser
@pytest.mark.parametrize("check", list(CHECKS))
def test_check_passes_on_a_page_that_keeps_it(synthetic_views, check: str) -> None:
    func, widths = CHECKS[check]
    for width in widths:
        view = synthetic_views["good", width]
        assert func(view, width) == [], (check, width)
    assert check_full_citation(synthetic_views["good", DESKTOP], DESKTOP) == []
    if check == "wide-tables-cued":  # the cue is there because the table does overflow
        assert any(t["overflowing"] for t in synthetic_views["good", PHONE]["tables"])


def test_figure_links_wrap_each_figure_image_once() -> None:
    link = _link_figures_html()
    plain = '<figure class="align-default" id="f">\n<img alt="A" src="../_images/a.svg" />\n'
    wrapped = link(plain)
    assert ('<a class="plro-figure-link" href="../_images/a.svg" target="_blank"' in wrapped
            and wrapped.count("<a ") == 1 and '<img alt="A" src="../_images/a.svg" /></a>' in wrapped)
    already = '<figure><a href="big.png"><img src="small.png"></a></figure>'
    assert link(already) == already
    assert link('<p><img src="logo.svg"></p>') == '<p><img src="logo.svg"></p>'
