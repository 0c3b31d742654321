"""The built site in a real browser: every page of the table of contents.

Each page must load, log no console errors, make no failed or external
requests, give every image meaningful alt text, pass axe-core without serious
or critical violations, resolve its internal links and anchors, and fit a
390 px phone screen. Search and the light/dark switch are tested once.
Point the tests at a build with PLRO_SITE_DIR (default _build/html).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO_ROOT, page_html, site_dir, toc_pages, toc_path

pytestmark = pytest.mark.browser

PAGES = toc_pages()
BAD_ALT = {"image", "img", "figure", "fig", "picture", "photo", "graphic", "png", "svg",
           "untitled", "alt", "placeholder", "logo"}
FILENAME_ALT = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$|^[\w\-./]+_\d+\w*$", re.I)
IMPACTS_THAT_FAIL = {"serious", "critical"}


def _ids(path: Path) -> set[str]:
    return _ids_cached(str(path))


@cache
def _ids_cached(path: str) -> set[str]:
    soup = BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")
    found = {tag["id"] for tag in soup.find_all(id=True)}
    return found | {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}


def _repository_url() -> str:
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    return str((config.get("repository") or {}).get("url") or "").strip()


def test_table_of_contents_lists_pages() -> None:
    assert PAGES, f"no pages found in {toc_path()}: every per-page test would pass vacuously"
    assert PAGES[0], "the table of contents has no root page"
    assert len(PAGES) > 1, f"{toc_path()} lists only its root page"
    assert len(PAGES) == len(set(PAGES)), f"a page is listed twice in the toc: {PAGES}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_with_a_title(page_report, docname: str) -> None:
    report = page_report(page_html(docname))
    assert report.visit.status == 200, f"{report.visit.url} answered HTTP {report.visit.status}"
    assert len(report.headings) >= 1, f"{docname} has no <h1> in its content"
    assert report.headings[0].strip(), f"{docname}'s <h1> is empty"
    assert report.title.strip(), f"{docname} has an empty <title>"


@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_console_errors_or_failed_requests(page_report, docname: str) -> None:
    visit = page_report(page_html(docname)).visit
    problems = (
        [f"console error: {m}" for m in visit.console_errors]
        + [f"script error: {m}" for m in visit.page_errors]
        + [f"failed request: {m}" for m in visit.failed_requests]
        + [f"external request (the site must load only from itself): {u}"
           for u in visit.external_requests]
    )
    assert not problems, f"{docname}:\n  " + "\n  ".join(dict.fromkeys(problems))


@pytest.mark.parametrize("docname", PAGES)
def test_images_have_meaningful_alt_text(page_report, docname: str) -> None:
    bad = []
    for src, alt in page_report(page_html(docname)).images:
        text = (alt or "").strip()
        name = PurePosixPath(urlsplit(src).path).name
        if (not text or text.lower() in BAD_ALT or FILENAME_ALT.search(text)
                or text == name or len(text) < 4):
            bad.append(f"{src or '(no src)'}: alt={alt!r}")
    assert not bad, f"{docname}: images without meaningful alt text:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("docname", PAGES)
def test_no_serious_accessibility_violations(page_report, docname: str) -> None:
    violations = page_report(page_html(docname)).axe_violations
    failing = [v for v in violations if v.get("impact") in IMPACTS_THAT_FAIL]
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in failing
    ]
    assert not failing, f"{docname}: axe-core violations:\n  " + "\n  ".join(report)


@pytest.mark.parametrize("docname", PAGES)
def test_internal_links_and_anchors_resolve(page_report, site_url: str, docname: str) -> None:
    hrefs = page_report(page_html(docname)).links
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
    assert hrefs, f"{docname} has no links at all"
    assert not broken, f"{docname}: broken internal links:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("docname", PAGES)
def test_page_fits_a_phone_screen(open_page, docname: str) -> None:
    page, _ = open_page(page_html(docname), width=390, height=844)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{docname} scrolls sideways by {overflow} px on a 390 px screen"


@pytest.mark.parametrize("docname", PAGES)
def test_page_head_metadata(built_site: Path, docname: str) -> None:
    path = built_site / page_html(docname)
    assert path.is_file(), f"{docname} was not built: {path} is missing"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    assert soup.html.get("lang"), f"{docname}: <html> has no lang attribute"
    icon = soup.find("link", rel="icon")
    assert icon is not None, f"{docname}: no favicon <link rel=icon>"
    assert (path.parent / icon["href"]).resolve().is_file(), f"favicon {icon['href']} missing"
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
    soup = BeautifulSoup((built_site / page_html(docname)).read_text(encoding="utf-8"),
                         "html.parser")
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
