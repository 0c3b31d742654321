"""The built site: where it is, which pages it serves, a recording HTTP server, and page visits.

The built HTML is read from ``$PLRO_SITE_DIR`` (default ``_build/html``, what
``make book`` writes). Two page lists are derived, never typed:

- :func:`toc_pages`, the docnames of the table of contents (``$PLRO_TOC``,
  default ``_toc.yml``), for checks that concern the book's chapters;
- :func:`served_pages`, every HTML file of the build except Sphinx's internals
  (``_static/``, ``_sources/``): the root redirect, search, the index, every
  chapter and any page added outside the table of contents.
"""

from __future__ import annotations

import functools
import http.server
import os
import posixpath
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository's root directory."""

INTERNAL_DIRS = ("_static", "_sources")
"""Top-level folders of the build that hold Sphinx's internals, not pages a reader opens."""


def site_dir() -> Path:
    """Directory of the built HTML site (``$PLRO_SITE_DIR`` or ``_build/html``)."""
    return Path(os.environ.get("PLRO_SITE_DIR", REPO_ROOT / "_build" / "html")).resolve()


def toc_path() -> Path:
    """The table of contents whose pages the chapter checks visit (``$PLRO_TOC`` or ``_toc.yml``)."""
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


def toc_pages(toc: Path | None = None) -> list[str]:
    """Docnames of every page in the table of contents, root first, without suffix."""
    data = yaml.safe_load((toc or toc_path()).read_text(encoding="utf-8"))
    pages = [str(data["root"])]
    pages += [f for f in _toc_files(data) if f not in pages]
    return [str(Path(p).with_suffix("")) if Path(p).suffix in {".md", ".ipynb"} else p
            for p in pages]


def page_html(docname: str) -> str:
    """Site-relative path of the HTML file Sphinx writes for a docname."""
    return f"{docname}.html"


def served_pages(root: Path | None = None) -> list[str]:
    """Site-relative paths of every HTML page in the build, sorted; empty when nothing is built."""
    root = root or site_dir()
    if not root.is_dir():
        return []
    pages = []
    for path in root.rglob("*.html"):
        relative = path.relative_to(root)
        if relative.parts[0] not in INTERNAL_DIRS:
            pages.append(relative.as_posix())
    return sorted(pages)


def linked_files(root: Path | None = None) -> dict[str, list[str]]:
    """Every file of the site, other than an HTML page, that a served page links to.

    Returns site-relative path -> the pages that link it (``<a href>`` only:
    downloads such as notebooks, Markdown sources, PDFs or archives). Links to
    other hosts, ``mailto:``/``javascript:`` and in-page anchors are left out.
    """
    root = root or site_dir()
    found: dict[str, list[str]] = {}
    for page in served_pages(root):
        soup = BeautifulSoup((root / page).read_text(encoding="utf-8"), "html.parser")
        for link in soup.find_all("a", href=True):
            parts = urlsplit(link["href"])
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            if target.endswith(".html") or target.startswith("..") or (root / target).is_dir():
                continue
            found.setdefault(target, [])
            if page not in found[target]:
                found[target].append(page)
    return found


# ---------------------------------------------------------------------------
# A recording HTTP server for the built site


class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files quietly and records each request's path and status on the server."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.server.record(self.path, int(getattr(code, "value", code)))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler) -> None:
        super().__init__(address, handler)
        self.requests: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((path, status))

    def handle_error(self, request, client_address) -> None:
        """A browser that closes a connection early is not an error of the site."""


class RecordingServer:
    """Serve a directory on 127.0.0.1 and remember the status of every request it answered.

    The browser fetches some files on its own (the page icon, ``/favicon.ico``
    when a page names none); those requests never reach Playwright's events, so
    the server's own record is what shows their failures.
    """

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_RecordingHandler, directory=str(directory))
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the site, ending in ``/``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def mark(self) -> int:
        """A position in the request record, for :meth:`errors_since`."""
        with self._server._lock:
            return len(self._server.requests)

    def errors_since(self, mark: int) -> list[str]:
        """Requests answered with an HTTP error (4xx/5xx) since ``mark``, as ``path: HTTP n``."""
        with self._server._lock:
            recent = self._server.requests[mark:]
        return [f"{path}: HTTP {status} (seen by the server)" for path, status in recent
                if status >= 400]


# ---------------------------------------------------------------------------
# One load of a page in a fresh browser context


@dataclass
class PageVisit:
    """What happened while one page loaded: its status and every problem seen."""

    url: str
    status: int | None = None
    final_url: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[tuple[str, str]] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every problem of this load, one line each.

        A request aborted because the page went on to another page (the root's
        redirect) is not a problem: the browser drops what the old page still fetched.
        """
        navigated_away = self.final_url not in ("", self.url)
        failed = [f"{url}: {failure}" for url, failure in self.failed_requests
                  if not (navigated_away and failure == "net::ERR_ABORTED")]
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"script error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in failed]
            + [f"external request (the site must load only from itself): {u}"
               for u in self.external_requests]
        )


def start_visit(browser, server: RecordingServer, path: str, *, width: int = 1280,
                height: int = 900, color_scheme: str = "light"):
    """Start loading a site path in a new browser context, recording every problem.

    Returns ``(page, visit)`` as soon as the navigation is under way, so that
    several loads can run at once; :func:`finish_visit` waits for each. External
    requests are recorded and aborted: the site must load everything it needs
    from itself. The caller closes ``page.context``.
    """
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=color_scheme)
    page = context.new_page()
    site_url = server.url
    visit = PageVisit(url=site_url + path)

    def route(route_request) -> None:
        url = route_request.request.url
        if url.startswith(site_url) or url.startswith(("data:", "blob:", "about:")):
            route_request.continue_()
        else:
            visit.external_requests.append(url)
            route_request.abort()

    def on_console(message) -> None:
        if message.type == "error":
            visit.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def on_response(response) -> None:
        if response.status >= 400:
            visit.failed_requests.append((response.url, f"HTTP {response.status}"))

    page.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on("requestfailed",
            lambda request: visit.failed_requests.append((request.url, request.failure or "")))
    page.on("response", on_response)
    response = page.goto(visit.url, wait_until="commit")
    visit.status = response.status if response else None
    return page, visit


def finish_visit(page, visit: PageVisit) -> PageVisit:
    """Wait until a started load has finished and the network has been idle for 500 ms."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    visit.final_url = page.url
    return visit


def open_visit(browser, server: RecordingServer, path: str, **view):
    """Load a site path in a new browser context and wait for it: ``(page, visit)``.

    ``view`` takes ``width``, ``height`` and ``color_scheme`` (see :func:`start_visit`).
    """
    page, visit = start_visit(browser, server, path, **view)
    return page, finish_visit(page, visit)



# ---------------------------------------------------------------------------
# What a reader sees on a loaded page (tests/test_reading.py judges it)

_READING_JS = r"""
async () => {
  const main = document.querySelector("article") || document.querySelector("[role=main]")
    || document.body;
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0
      && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  };
  const text = (el) => (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
  const codeInputs = [...main.querySelectorAll(".cell_input")].filter(shown)
    .map((el) => text(el).slice(0, 80));
  const tables = [...main.querySelectorAll("table")].map((table) => {
    const rows = [...table.rows].map((row) => {
      let col = 0;
      return [...row.cells].map((cell) => {
        const item = {text: text(cell), th: cell.tagName === "TH",
                      head: !!cell.closest("thead"), col};
        col += cell.colSpan || 1;
        return item;
      });
    });
    let box = table;
    while (box && box !== main && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
      box = box.parentElement;
    }
    const scrolls = !!box && box !== main;
    const overflowing = scrolls ? box.scrollWidth > box.clientWidth + 1
      : table.getBoundingClientRect().right > main.getBoundingClientRect().right + 1;
    const frame = table.closest(".plro-scroll-frame");
    const hint = frame && frame.querySelector(".plro-scroll-hint");
    const shadows = frame ? ["::before", "::after"].map((p) => {
      const s = getComputedStyle(frame, p);
      return s.display !== "none" && s.backgroundImage.includes("gradient");
    }) : [false, false];
    const caption = table.caption ? text(table.caption) : "";
    return {rows, caption, overflowing, shown: shown(table), shadow: shadows.some(Boolean),
            hint: hint && shown(hint) ? text(hint) : ""};
  });
  const figures = [];
  for (const img of new Set(main.querySelectorAll("figure img, .cell_output img"))) {
    const link = img.closest("a");
    const item = {src: img.currentSrc || img.src, alt: img.alt || "",
                  width: img.getBoundingClientRect().width,
                  href: link ? link.href : "", target: link ? link.target : "",
                  svg: /\.svg(\?|#|$)/i.test(img.currentSrc || img.src), sizes: []};
    if (item.svg) {
      const source = await (await fetch(item.src)).text();
      const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
      const box = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
      item.viewBoxWidth = box.length === 4 ? box[2] : parseFloat(svg.getAttribute("width"));
      for (const t of svg.querySelectorAll("text")) {
        const style = t.getAttribute("style") || "";
        const m = style.match(/font-size:\s*([\d.]+)px/) || style.match(/font:[^;]*?([\d.]+)px/);
        const size = m ? parseFloat(m[1]) : parseFloat(t.getAttribute("font-size") || "NaN");
        item.sizes.push([size, t.textContent.trim()]);
      }
    }
    figures.push(item);
  }
  const searchSelector = "button.search-button, .search-button-field, input[type=search], "
    + "input[name=q]";
  const searches = [...document.querySelectorAll(searchSelector)]
    .filter((el) => shown(el) && !el.parentElement.closest(searchSelector))
    .map((el) => el.className || el.tagName);
  const entries = [...main.querySelectorAll(".citation, [role=listitem]")].map(text);
  return {codeInputs, tables, figures, searches, entries};
}
"""


def reading_view(page) -> dict:
    """What a reader sees on a loaded Playwright page, as plain data.

    Keys: ``codeInputs`` (text of each visible code-cell input), ``tables`` (per
    table: ``rows`` of cells ``{text, th, head, col}``, ``caption``, whether it is
    ``shown`` (not in a closed toggle) and ``overflowing`` its box, whether a scroll
    ``shadow`` shows and the visible ``hint`` text), ``figures`` (per figure image:
    ``src``, displayed ``width``, the link
    ``href``/``target`` around it, and for an SVG its ``viewBoxWidth`` and each text's
    ``sizes`` as ``[font size, text]``), ``searches`` (visible search boxes or buttons) and
    ``entries`` (text of each bibliography entry of the page).
    """
    return page.evaluate(_READING_JS)


def page_weight(root: Path, page: str) -> tuple[int, dict[str, int]]:
    """Bytes of a built page's HTML plus every local image it shows: ``(total, {file: bytes})``."""
    path = root / page
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    files = {page: path.stat().st_size}
    for img in soup.find_all("img", src=True):
        parts = urlsplit(img["src"])
        if parts.scheme or parts.netloc:
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        if (root / target).is_file():
            files[target] = (root / target).stat().st_size
    return sum(files.values()), files
