"""Shared fixtures: the source paper's text, and the built site.

The built HTML is read from ``$PLRO_SITE_DIR`` (default ``_build/html``, what
``make book`` writes) and its pages from the table of contents, ``$PLRO_TOC``
(default ``_toc.yml``), so every chapter added to ``_toc.yml`` is tested without
editing the tests. The site is served from a loopback HTTP server and driven
in headless Chromium through Playwright. A missing site or Chromium is a test
failure with a message saying what to do, never a skip.
"""

from __future__ import annotations

import os
import tempfile

# Each test session starts with an empty validation cache, so the first load of
# the real data package in a session is always a full frictionless validation.
os.environ["PLRO_CACHE_DIR"] = tempfile.mkdtemp(prefix="plro-cache-")

import copy
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]

PAPER_PATH = Path(os.environ.get(
    "PLRO_PAPER", REPO_ROOT.parent / "shared" / "seeds" / "004_40e3d9fcfece1dc6.txt"
))
"""The source paper's Markdown text: beside the clone, or wherever $PLRO_PAPER points."""


@pytest.fixture(scope="session")
def paper_text() -> str:
    """The paper's text; a missing file fails the test (never skips) and says where to put it."""
    assert PAPER_PATH.is_file(), (
        f"the source paper is expected at {PAPER_PATH} (set PLRO_PAPER to override)"
    )
    return PAPER_PATH.read_text(encoding="utf-8")


def site_dir() -> Path:
    """Directory of the built HTML site."""
    return Path(os.environ.get("PLRO_SITE_DIR", REPO_ROOT / "_build" / "html")).resolve()


def toc_path() -> Path:
    """The table of contents whose pages the site tests visit."""
    return Path(os.environ.get("PLRO_TOC", REPO_ROOT / "_toc.yml")).resolve()


def _toc_files(node: object) -> Iterator[str]:
    """Every ``file:`` entry of a (nested) jb-book table of contents, in order."""
    if isinstance(node, dict):
        if "file" in node:
            yield str(node["file"])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key) or []:
                yield from _toc_files(child)
    elif isinstance(node, list):
        for child in node:
            yield from _toc_files(child)


def toc_pages() -> list[str]:
    """Docnames of every page in the table of contents, root first, without suffix."""
    toc = yaml.safe_load(toc_path().read_text(encoding="utf-8"))
    pages = [str(toc["root"])]
    pages += [f for f in _toc_files(toc) if f not in pages]
    return [str(Path(p).with_suffix("")) if Path(p).suffix in {".md", ".ipynb"} else p
            for p in pages]


def page_html(docname: str) -> str:
    """Site-relative path of the HTML file Sphinx writes for a docname."""
    return f"{docname}.html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The built site; fails (never skips) when it has not been built."""
    root = site_dir()
    if not (root / "index.html").is_file():
        pytest.fail(
            f"No built site at {root} (index.html missing). Run `make book` first, "
            "or set PLRO_SITE_DIR to the _build/html directory of a build.",
            pytrace=False,
        )
    return root


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL of the built site served by a threaded HTTP server on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium; fails with instructions when none is installed."""
    from plro.browser import CHROMIUM_ARGS, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.fail(
            "No Chromium found for the browser tests. Install Debian's `chromium` "
            "(apt-get install chromium), run `playwright install chromium`, or set "
            "PLRO_CHROMIUM to a Chromium executable.",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - requirements.txt installs it
        pytest.fail(f"Playwright is not installed ({error}); run `make venv`.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageVisit:
    """What happened while one page loaded: its status and every problem seen."""

    url: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


@dataclass
class PageReport:
    """One load of a page at desktop width: what it showed and what went wrong."""

    visit: PageVisit
    headings: list[str]
    title: str
    images: list[tuple[str, str | None]]
    links: list[str]
    axe_violations: list[dict]


def _opener(browser, site_url: str, contexts: list):
    """A function that opens a site path in a fresh page and records every problem.

    External requests are recorded and aborted: the published site must load
    everything it needs from itself (the test machine has no internet anyway).
    """

    def _open(path: str, width: int = 1280, height: int = 900, color_scheme: str = "light"):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme
        )
        contexts.append(context)
        page = context.new_page()
        visit = PageVisit(url=site_url + path)

        def route(route_request):
            url = route_request.request.url
            if url.startswith(site_url) or url.startswith(("data:", "blob:", "about:")):
                route_request.continue_()
            else:
                visit.external_requests.append(url)
                route_request.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda msg: visit.console_errors.append(f"{msg.text} ({msg.location.get('url')})")
            if msg.type == "error"
            else None,
        )
        page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        page.on(
            "requestfailed",
            lambda request: visit.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        page.on(
            "response",
            lambda response: visit.failed_requests.append(
                f"{response.url}: HTTP {response.status}"
            )
            if response.status >= 400
            else None,
        )
        response = page.goto(visit.url, wait_until="load")
        visit.status = response.status if response else None
        page.wait_for_load_state("networkidle")
        return page, visit

    return _open


@pytest.fixture
def open_page(browser, site_url: str):
    """Open a site-relative path in a fresh page: ``page, visit = open_page(path)``."""
    contexts: list = []
    yield _opener(browser, site_url, contexts)
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def page_report(browser, site_url: str):
    """``page_report(path)``: load a page once per session and report on it.

    Several tests check the same load (status, console, images, links, axe-core),
    so each page is opened once, not once per test.
    """
    from axe_playwright_python.sync_playwright import Axe

    contexts: list = []
    opener = _opener(browser, site_url, contexts)
    reports: dict[str, PageReport] = {}
    axe = Axe()

    def _report(path: str) -> PageReport:
        if path not in reports:
            page, visit = opener(path)
            # Snapshot what the page itself did before axe-core runs: axe fetches
            # stylesheets again and resolves their @import against the page, not the
            # stylesheet (theme.css's "../basic.css" becomes /basic.css, a 404).
            visit = copy.deepcopy(visit)
            reports[path] = PageReport(
                visit=visit,
                headings=page.locator("main h1, article h1").all_inner_texts(),
                title=page.title(),
                images=[tuple(i) for i in page.eval_on_selector_all(
                    "img", "els => els.map(e => [e.getAttribute('src') || '', "
                    "e.getAttribute('alt')])")],
                links=page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
                axe_violations=axe.run(page).response["violations"],
            )
            page.context.close()
            contexts.remove(page.context)
        return reports[path]

    yield _report
    for context in contexts:
        context.close()
