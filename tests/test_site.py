"""The built site in a real browser: every page it serves, and every file it offers.

Every HTML page of the build (the root redirect, search, the index, every
chapter and any page outside the table of contents; only Sphinx's ``_static/``
and ``_sources/`` internals are left out) is loaded three times, each in a
fresh browser context (phone, dark, light desktop). Each load must answer 200
and log no console or script errors, no failed requests (as Playwright sees
them and as the server answered them: the browser's own icon request reaches
only the server) and no requests outside the site. On the desktop load every
image needs meaningful alt text, axe-core may find no serious or critical
violations, and every internal link and anchor must resolve; on the phone load
the page must fit 390 px. Every page names a site icon that exists, and every
file a page links to (notebooks, Markdown sources, PDFs, archives) answers 200.

The chapters of the table of contents are also checked for head metadata,
repository buttons and the navigation; search and the light/dark switch are
tested once. Point the tests at a build with PLRO_SITE_DIR (default _build/html).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.support.site import (
    REPO_ROOT,
    linked_files,
    page_html,
    served_pages,
    site_dir,
    toc_pages,
    toc_path,
)

pytestmark = pytest.mark.browser

PAGES = toc_pages()
SERVED = served_pages()
ALWAYS_SERVED = ["index.html", "search.html", "genindex.html"]
"""Pages every build serves besides the chapters: the root redirect, search and the index."""

BAD_ALT = {"image", "img", "figure", "fig", "picture", "photo", "graphic", "png", "svg",
           "untitled", "alt", "placeholder", "logo"}
FILENAME_ALT = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$|^[\w\-./]+_\d+\w*$", re.I)
IMPACTS_THAT_FAIL = {"serious", "critical"}


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def _ids(path: Path) -> set[str]:
    soup = _soup(path)
    found = {tag["id"] for tag in soup.find_all(id=True)}
    return found | {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}


def _repository_url() -> str:
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    return str((config.get("repository") or {}).get("url") or "").strip()


def test_table_of_contents_lists_pages() -> None:
    assert PAGES, f"no pages found in {toc_path()}: every per-page test would pass vacuously"
    assert len(PAGES) > 1, f"{toc_path()} lists only its root page"
    assert len(PAGES) == len(set(PAGES)), f"a page is listed twice in the toc: {PAGES}"


def test_every_page_of_the_book_is_among_the_pages_tested(built_site: Path) -> None:
    expected = ALWAYS_SERVED + [page_html(d) for d in PAGES]
    missing = [p for p in expected if p not in SERVED]
    assert not missing, f"pages not found among the built pages of {built_site}: {missing}"


# ---------------------------------------------------------------------------
# Every served page, loaded in the browser


@pytest.mark.parametrize("path", SERVED)
def test_page_loads_with_a_title(page_report, path: str) -> None:
    report = page_report(path)
    statuses = [v.status for v in report.visits]
    assert statuses == [200] * len(report.visits), f"{path} answered HTTP {statuses}"
    assert report.headings, f"{path} has no <h1> with text in its main content"
    assert report.title.strip(), f"{path} has an empty <title>"


@pytest.mark.parametrize("path", SERVED)
def test_page_has_no_console_errors_or_failed_requests(page_report, path: str) -> None:
    report = page_report(path)
    problems = [f"load {n}: {p}" for n, v in enumerate(report.visits, 1) for p in v.problems()]
    problems += [f"failed request: {e}" for e in report.server_errors]
    assert not problems, f"{path}:\n  " + "\n  ".join(dict.fromkeys(problems))


@pytest.mark.parametrize("path", SERVED)
def test_images_have_meaningful_alt_text(page_report, path: str) -> None:
    bad = []
    for src, alt in page_report(path).images:
        text = (alt or "").strip()
        name = PurePosixPath(urlsplit(src).path).name
        if (not text or text.lower() in BAD_ALT or FILENAME_ALT.search(text)
                or text == name or len(text) < 4):
            bad.append(f"{src or '(no src)'}: alt={alt!r}")
    assert not bad, f"{path}: images without meaningful alt text:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("path", SERVED)
def test_no_serious_accessibility_violations(page_report, path: str) -> None:
    violations = page_report(path).axe_violations
    failing = [v for v in violations if v.get("impact") in IMPACTS_THAT_FAIL]
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in failing
    ]
    assert not failing, f"{path}: axe-core violations:\n  " + "\n  ".join(report)


@pytest.mark.parametrize("path", SERVED)
def test_internal_links_and_anchors_resolve(page_report, site_url: str, path: str) -> None:
    hrefs = page_report(path).links
    root = site_dir()
    broken = []
    for href in sorted(set(hrefs)):
        if not href.startswith(site_url):
            continue  # external (e.g. the licence) or javascript:/mailto:
        parts = urlsplit(href)
        relative = unquote(parts.path)[len(urlsplit(site_url).path):]
        target = root / relative
        if relative == "" or relative.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no file {target.relative_to(root)}")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in _ids(target):
                broken.append(f"{href}: no element with id {parts.fragment!r}")
    assert hrefs, f"{path} has no links at all"
    assert not broken, f"{path}: broken internal links:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("path", SERVED)
def test_page_fits_a_phone_screen(page_report, path: str) -> None:
    overflow = page_report(path).phone_overflow
    assert overflow <= 1, f"{path} scrolls sideways by {overflow} px on a 390 px screen"


@pytest.mark.parametrize("path", SERVED)
def test_page_names_a_language_and_an_icon_that_exists(built_site: Path, path: str) -> None:
    soup = _soup(built_site / path)
    assert soup.html is not None and soup.html.get("lang"), f"{path}: <html> has no lang attribute"
    icon = soup.find("link", rel="icon")
    assert icon is not None, (
        f"{path}: no <link rel=icon>, so browsers ask for /favicon.ico, which the site lacks"
    )
    target = (built_site / path).parent / unquote(urlsplit(icon["href"]).path)
    assert target.resolve().is_file(), f"{path}: its icon {icon['href']} is missing"


def test_root_page_leads_to_the_first_page(page_report) -> None:
    final = page_report("index.html").visit.final_url
    assert urlsplit(final).path.endswith("/" + page_html(PAGES[0])), (
        f"the site's root went to {final}, not to the book's first page {page_html(PAGES[0])}"
    )


# ---------------------------------------------------------------------------
# Every file the site links to


DOWNLOADS = linked_files()


def test_the_site_offers_its_sources_for_download(built_site: Path) -> None:
    suffixes = {PurePosixPath(p).suffix for p in DOWNLOADS}
    assert {".ipynb", ".md"} <= suffixes, (
        f"expected the pages of {built_site} to link notebook and Markdown sources, found {suffixes}"
    )


@pytest.mark.parametrize("target", sorted(DOWNLOADS))
def test_linked_file_is_served(site_url: str, target: str) -> None:
    linked_from = ", ".join(DOWNLOADS[target][:3])
    try:
        with urllib.request.urlopen(site_url + quote(target), timeout=10) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    assert status == 200, f"{target} (linked from {linked_from}) answered HTTP {status}"
    assert body, f"{target} (linked from {linked_from}) is empty"


# ---------------------------------------------------------------------------
# The chapters of the table of contents


@pytest.mark.parametrize("docname", PAGES)
def test_page_head_metadata(built_site: Path, docname: str) -> None:
    path = built_site / page_html(docname)
    assert path.is_file(), f"{docname} was not built: {path} is missing"
    soup = _soup(path)
    for prop in ("og:title", "og:type", "og:site_name"):
        tag = soup.find("meta", property=prop)
        assert tag is not None and tag.get("content", "").strip(), f"{docname}: no {prop}"
    og_url = soup.find("meta", property="og:url")
    if og_url is not None and og_url["content"].startswith("http"):
        assert "example" not in og_url["content"], f"{docname}: placeholder og:url"
    description = soup.find("meta", attrs={"name": "description"})
    assert description is not None and len(description["content"]) > 20, (
        f"{docname}: no meta description for search engines and shared links"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_repository_buttons_follow_repository_url(built_site: Path, docname: str) -> None:
    soup = _soup(built_site / page_html(docname))
    buttons = soup.select(".btn-source-repository-button, .btn-source-issues-button, "
                          ".btn-source-edit-button, .btn-launch-buttons, [class*=btn-launch]")
    if _repository_url():
        repo = soup.select(".btn-source-repository-button")
        assert repo and repo[0]["href"].rstrip("/") == _repository_url().rstrip("/")
    else:
        found = sorted({" ".join(b.get("class", [])) for b in buttons})
        assert not buttons, f"{docname}: repository.url is empty but buttons exist: {found}"


def test_navigation_lists_every_page(open_page) -> None:
    page, _ = open_page(page_html(PAGES[0]))
    hrefs = page.eval_on_selector_all(".bd-docs-nav a[href]", "els => els.map(e => e.href)")
    listed = {urlsplit(h).path.rsplit("/", 1)[-1] for h in hrefs}
    missing = [d for d in PAGES[1:] if PurePosixPath(page_html(d)).name not in listed]
    assert not missing, f"pages missing from the sidebar navigation: {missing}"


def test_search_finds_vertebroplasty(open_page) -> None:
    page, visit = open_page("search.html?q=vertebroplasty")
    # Sphinx's search writes either result items or a summary when it is done.
    page.wait_for_function(
        """() => document.querySelector('#search-results ul.search li')
                 || (document.querySelector('#search-results .search-summary')
                     || {textContent: ''}).textContent.trim()""",
        timeout=20_000,
    )
    results = page.locator("#search-results ul.search li")
    summary = page.locator("#search-results").inner_text()
    assert results.count() >= 1, f"search for 'vertebroplasty' found nothing: {summary!r}"
    first = results.first.locator("a").first.get_attribute("href")
    assert first and ".html" in first, f"first result does not link to a page: {first!r}"
    assert not visit.console_errors and not visit.page_errors, visit.console_errors


def test_light_dark_switch_changes_the_theme(open_page) -> None:
    page, visit = open_page(page_html(PAGES[0]), color_scheme="light")
    html = page.locator("html")
    before = html.get_attribute("data-theme")
    background_before = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert before == "light", f"a light-mode reader should start in light theme, got {before!r}"
    page.locator("button.theme-switch-button:visible").first.click()
    page.wait_for_function("() => document.documentElement.dataset.theme !== 'light'")
    after = html.get_attribute("data-theme")
    background_after = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert after == "dark", f"switch gave data-theme={after!r}"
    assert background_after != background_before, "the page's colours did not change"
    assert not visit.console_errors, visit.console_errors
