"""Shared fixtures: the built site, served over HTTP, and headless Chromium to read it.

The site and its page lists come from :mod:`tests.support.site`; the built HTML
is read from ``$PLRO_SITE_DIR`` (default ``_build/html``). The site is served
from a loopback HTTP server that records every request's status, and driven in
headless Chromium through Playwright. A missing site or Chromium is a test
failure with a message saying what to do, never a skip.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.site import (
    PageVisit,
    RecordingServer,
    finish_visit,
    open_visit,
    site_dir,
    start_visit,
)

LOADS = (
    {"width": 390, "height": 844, "color_scheme": "light"},
    {"width": 1280, "height": 900, "color_scheme": "dark"},
    {"width": 1280, "height": 900, "color_scheme": "light"},
)
"""The views in which each page is loaded, each in a fresh browser context: phone, dark, light.

Several loads show requests that happen only on some loads (such as the page
icon). The first, phone-sized load measures sideways scrolling; the last, light
desktop load is the one the rest of the page report (and axe-core) describes.
"""


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
def site_server(built_site: Path) -> Iterator[RecordingServer]:
    """The built site served on 127.0.0.1, recording the status of every request."""
    with RecordingServer(built_site) as server:
        yield server


@pytest.fixture(scope="session")
def site_url(site_server: RecordingServer) -> str:
    """Base URL of the served site, ending in ``/``."""
    return site_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium; fails with instructions when none is installed."""
    from tools.chromium import CHROMIUM_ARGS, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.fail(
            "No Chromium found for the browser tests. Install Debian's `chromium` "
            "(apt-get install chromium), run `playwright install chromium`, or set "
            "PLRO_CHROMIUM to a Chromium executable.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser, site_server: RecordingServer):
    """Open a site-relative path in a fresh context: ``page, visit = open_page(path, width=...)``."""
    pages: list = []

    def _open(path: str, **view):
        page, visit = open_visit(browser, site_server, path, **view)
        pages.append(page)
        return page, visit

    yield _open
    for page in pages:
        page.context.close()


@dataclass
class PageReport:
    """Every load of one page (see :data:`LOADS`), what the server answered for them, and
    what the last, desktop load showed."""

    visits: list[PageVisit]
    server_errors: list[str]
    headings: list[str]
    title: str
    images: list[tuple[str, str | None]]
    links: list[str]
    axe_violations: list[dict]
    phone_overflow: int

    @property
    def visit(self) -> PageVisit:
        """The desktop load that the headings, images, links and axe-core results describe."""
        return self.visits[-1]


@pytest.fixture(scope="session")
def page_report(browser, site_server: RecordingServer):
    """``page_report(path)``: load a page in every view of :data:`LOADS`, once per session.

    The loads run at the same time, each in its own fresh context. Several tests
    check the same loads (status, console, requests, images, links, axe-core,
    phone width), so each page is loaded once per session, not once per test.
    """
    from axe_playwright_python.sync_playwright import Axe

    reports: dict[str, PageReport] = {}
    axe = Axe()

    def _report(path: str) -> PageReport:
        if path in reports:
            return reports[path]
        mark = site_server.mark()
        started = [start_visit(browser, site_server, path, **view) for view in LOADS]
        try:
            visits = [finish_visit(page, visit) for page, visit in started]
            # What the server answered for these loads, before axe-core runs: axe fetches
            # stylesheets again and resolves their @import against the page, not the
            # stylesheet (theme.css's "../basic.css" becomes /basic.css, a 404).
            server_errors = site_server.errors_since(mark)
            visits = copy.deepcopy(visits)
            phone, desktop = started[0][0], started[-1][0]
            reports[path] = PageReport(
                visits=visits,
                server_errors=server_errors,
                headings=[h for h in desktop.locator("main h1").all_inner_texts() if h.strip()],
                title=desktop.title(),
                images=[tuple(i) for i in desktop.eval_on_selector_all(
                    "img", "els => els.map(e => [e.getAttribute('src') || '', "
                    "e.getAttribute('alt')])")],
                links=desktop.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
                axe_violations=axe.run(desktop).response["violations"],
                phone_overflow=phone.evaluate("() => document.documentElement.scrollWidth"
                                              " - document.documentElement.clientWidth"),
            )
        finally:
            for page, _ in started:
                page.context.close()
        return reports[path]

    return _report
