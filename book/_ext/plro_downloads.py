"""The book's two downloads on the site: the seminar slides and the whole book as one PDF.

- **Slides.** At the end of every HTML build the seminar case is turned into reveal.js slides
  (``tools/slides.py``, through ``jupyter nbconvert --to slides``) at ``slides/seminar.html``
  in the site, with their vendored assets; they are rebuilt only when one of their sources is
  newer than the built slides. The seminar page and the facilitator guide get one line under
  their title linking them.
- **PDF.** The book's root page gets one line linking ``downloads/plro-book.pdf`` exactly when
  this machine has a Chromium to print it with (``tools.chromium.find_chromium``), which is
  the same test ``tools/book_pdf.py`` makes before printing; ``make book`` runs that printer
  right after the HTML build. Without a Chromium the build says so and links no PDF, so the
  site never carries a dangling link (the reasons are in ``tools/book_pdf.py``). When that
  answer changes between two builds, the root page is written again.
- **The single-page build** that the PDF is printed from: sphinx-exercise registers translator
  handlers for the ``singlehtml`` builder, and Sphinx then looks up no ``html`` handlers for
  it, so every node that other extensions taught only the ``html`` builder (myst-nb's,
  sphinx-design's, the quiz directive's, ...) would be unknown there. For that builder the
  ``html`` handlers are copied to ``singlehtml`` where it has none of its own.

Every link is relative to its page, so it works wherever the site is served. The links are
written only for the ``html`` builder (the single-page build for the PDF carries none).
"""

from __future__ import annotations

import importlib.util
import posixpath
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

PDF_PATH = "downloads/plro-book.pdf"
"""Where the book's PDF is served, relative to the site root: ``tools.book_pdf.PDF_SITE_PATH``,
which that module cannot share by import here (it imports the ``tools`` package, which the
Sphinx build cannot); ``tests/test_book_pdf.py`` checks that the link reaches the PDF."""

SLIDES_LINE = ('<p class="plro-download plro-download--slides">Slides for projecting this case: '
               '<a href="{href}">the seminar slides</a> (reveal.js, they work offline; press '
               "<kbd>S</kbd> for the speaker notes, which hold the facilitator guide's prompts).</p>")
PDF_LINE = ('<p class="plro-download plro-download--pdf">The whole book as one PDF, for reading '
            'offline or printing: <a href="{href}" download>download the book (PDF)</a>.</p>')


def _tool(srcdir: str, name: str):
    """``tools/<name>.py`` of the book being built, loaded once from its file."""
    path = Path(srcdir).resolve() / "tools" / f"{name}.py"
    key = f"plro_tools_{name}_{abs(hash(str(path)))}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # dataclasses look their module up here
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[key]
            raise
    return sys.modules[key]


def _docname(path: str) -> str:
    """A repository-relative source path as a Sphinx docname (no suffix)."""
    return posixpath.splitext(path)[0]


def share_html_handlers(app: Sphinx) -> None:
    """For the single-page builder, use the ``html`` translator handlers it lacks."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node_name, pair in handlers.get("html", {}).items():
        single.setdefault(node_name, pair)


def decide_pdf_link(app: Sphinx) -> None:
    """Link the PDF only where it will be printed: on a machine with a Chromium."""
    app.env.plro_offer_pdf = False  # type: ignore[attr-defined]
    if app.builder.name != "html":
        return
    chromium = _tool(app.srcdir, "chromium").find_chromium()
    app.env.plro_offer_pdf = chromium is not None  # type: ignore[attr-defined]
    if chromium is None:
        logger.info("plro_downloads: no Chromium on this machine, so the book PDF cannot be "
                    "printed and the site does not link it (install chromium or set PLRO_CHROMIUM)")


def outdated_root(app: Sphinx, env, added: set, changed: set, removed: set) -> list[str]:
    """Write the root page again when the PDF line comes or goes (Chromium found or gone)."""
    offer = getattr(env, "plro_offer_pdf", False)
    if getattr(env, "plro_pdf_linked", None) == offer:
        return []
    env.plro_pdf_linked = offer
    return [app.config.root_doc]


def _insert_line(doctree: nodes.document, html: str) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    index = 1 if section.children and isinstance(section[0], nodes.title) else 0
    section.insert(index, nodes.raw("", html, format="html"))


def add_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the slides line on the seminar page and the guide, the PDF line on the root page."""
    if app.builder.name != "html":
        return
    here = posixpath.dirname(docname) or "."
    slides = _tool(app.srcdir, "slides")
    if docname in (_docname(slides.CASE_NOTEBOOK), _docname(slides.GUIDE)):
        _insert_line(doctree, SLIDES_LINE.format(href=posixpath.relpath(slides.SITE_PATH, here)))
    if docname == app.config.root_doc and getattr(app.env, "plro_offer_pdf", False):
        _insert_line(doctree, PDF_LINE.format(href=posixpath.relpath(PDF_PATH, here)))


def write_slides(app: Sphinx, exception: Exception | None) -> None:
    """Build the seminar slides into the site when they are older than their sources."""
    if exception is not None or app.builder.name != "html":
        return
    slides = _tool(app.srcdir, "slides")
    out = Path(app.outdir) / slides.SITE_PATH
    if slides.build_if_outdated(out, root=Path(app.srcdir)):
        logger.info(f"plro_downloads: seminar slides written to {out}")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", share_html_handlers)
    app.connect("builder-inited", decide_pdf_link)
    app.connect("env-get-outdated", outdated_root)
    app.connect("doctree-resolved", add_download_links)
    app.connect("build-finished", write_slides)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
