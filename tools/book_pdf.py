"""Print the whole book as one PDF, from a single-page HTML build, in headless Chromium.

Usage (``make pdf`` runs the first; ``make book`` runs the second right after the site build)::

    python -m tools.book_pdf                       # always print
    python -m tools.book_pdf --if-chromium --if-outdated

1. **Single-page build.** ``jupyter-book build . --builder singlehtml`` into ``_build/pdf``
   (a folder of its own, so the site in ``_build/html`` is untouched), strict like the site
   build. jupyter-book's own ``pdfhtml`` route is not used: it downloads a browser through
   pyppeteer and fails offline.
2. **Print.** The page is opened from disk in the system Chromium (Playwright with
   ``executable_path`` and ``headless=True``, which passes ``--headless``, plus
   ``--no-sandbox --disable-gpu``, :data:`tools.chromium.CHROMIUM_ARGS`); any request that would
   leave the machine is refused and fails the print. Before printing, a title page, a table
   of contents and a heading for each part of ``_toc.yml`` are added, every chapter starts on
   a new page, and :data:`PRINT_CSS` is applied:

   - web-only parts are hidden: navigation, sidebars, the header and footer of the site,
     buttons, the "Show code cell source" bars together with the code they fold away, the
     learner-kit and download lines, heading anchors;
   - **answers are left out**: the answer drop-downs (``{dropdown}``, admonitions with
     ``:class: dropdown``), the exercise solutions of sphinx-exercise (``.solution``) and the
     quiz feedback are hidden, so the PDF carries the questions and no answers; the contents
     page says where the answers are;
   - links print as text (no colour, no underline), and an external link whose text is not
     already its address is followed by the address in brackets;
   - figures, tables, admonitions and quiz boxes are not split across pages, and headings
     are not left at the foot of a page.

   Chromium prints A4 pages with a footer "page n of N" (``displayHeaderFooter``) and a PDF
   outline. The contents page gives each chapter's page: a first print finds the page of
   every chapter (the PDF's named destinations), the numbers are filled in, and the page is
   printed again (the numbers take a fixed width, so the layout does not move; the printer
   checks that).

**How the site offers the PDF, and why this way.** The PDF is written into the built site,
``_build/html/downloads/plro-book.pdf``, and linked by one line on the book's root page
(``book/_ext/plro_downloads.py``). The link is written during the HTML build, before the PDF
exists, so the two must follow one rule or the site carries a dangling link: the page links
the PDF exactly when this machine has a Chromium (:func:`tools.chromium.find_chromium`), and
that is exactly when ``make book`` prints it (``--if-chromium``). Without a Chromium the
HTML build says so, links no PDF, and this printer says so and stops without an error, so
the site builds everywhere and never links a file it does not have; with a Chromium, a
failed print fails ``make book``. Printing inside the Sphinx build instead would double
every build, warm rebuilds included; printing before it would need the page to be rebuilt
when the PDF appears or goes. ``--if-outdated`` skips the print when the PDF is newer than
every source of the book, so a repeated ``make book`` costs nothing extra.

A missing site source, Chromium or page, a failed single-page build or an external request
raises :class:`BookPdfError` with a message that says what to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tools.chromium import CHROMIUM_ARGS, find_chromium

__all__ = [
    "PDF_SITE_PATH",
    "PRINT_CSS",
    "BookPdfError",
    "Chapter",
    "build_pdf",
    "build_singlehtml",
    "is_outdated",
    "main",
    "print_pdf",
    "toc_chapters",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
PDF_SITE_PATH = "downloads/plro-book.pdf"
"""Where the PDF is served, relative to the site root (the root page links it there)."""
WORK_DIR = Path("_build/pdf")
"""``--path-output`` of the single-page build (it writes ``_build/singlehtml`` below it)."""
SOURCES = ("_config.yml", "_toc.yml", "notebooks", "book", "tools/book_pdf.py")
"""What the PDF is made from: newer files here make it out of date."""
JB_FLAGS = ["--builder", "singlehtml", "-W", "-n", "--keep-going"]
PRINT_PAGE = "plro-book-print.html"
"""The copy of the single page, at the top of its build, that is printed."""

PRINT_CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
html, body { background: #fff !important; }
/* sphinx-book-theme's print styles hide each first <h1>; the printed book needs them all. */
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
.bd-article :is(h1, h2, h3, h4, h5, h6) { color: #000 !important; }
body { font-size: 10.5pt; line-height: 1.45; color: #111; }
/* The site's furniture: navigation, sidebars, header, footer, buttons, search, anchors. */
.bd-header, .bd-header-article, .header-article, .bd-sidebar-primary, .bd-sidebar-secondary,
.bd-footer, .bd-footer-article, .footer-article, .bd-footer-content, .prev-next-area, footer,
#pst-back-to-top, .skip-link, .headerlink, .search-button-field, .search-button, dialog,
.pst-async-banner-revealer, button, .bd-toc, .toc-drawer, #jb-print-docs-body,
/* Web-only lines: the learner kit and the download lines. */
.plro-kit, .plro-download,
/* Code folded away on the site ("Show code cell source") goes with its bar. */
details.above-input, details.hide.above-input,
/* Answers: drop-downs, exercise solutions, quiz feedback. */
details.sd-dropdown, div.admonition.dropdown, div.solution, .plro-quiz__feedbacks,
.toggle-details, .toggle-hidden { display: none !important; }
.bd-container, .bd-container__inner, .bd-page-width, .bd-main, .bd-content,
.bd-article-container, .bd-article, main, article {
  max-width: none !important; width: 100% !important; margin: 0 !important;
  padding: 0 !important; display: block !important; overflow: visible !important;
}
a, a:visited, a .xref, a code { color: inherit !important; text-decoration: none !important; }
.plro-url { font-size: 0.85em; overflow-wrap: anywhere; }
figure, .cell_output img, table, .admonition, .exercise, .plro-quiz, fieldset, pre,
.cell_input, div.highlight, .plro-pdf-contents li { break-inside: avoid; }
h1, h2, h3, h4, h5, h6, .admonition-title, legend { break-after: avoid; }
img { max-width: 100% !important; height: auto !important; }
figcaption, figcaption * { font-size: 9pt; color: #222 !important; font-weight: normal; }
table { font-size: 8.5pt; max-width: 100%; }
pre { font-size: 8pt; white-space: pre-wrap; overflow-wrap: anywhere; }
.cell_output, .output, .highlight { overflow: visible !important; max-height: none !important; }
.plro-quiz input[type="radio"] { margin-right: 0.4em; }
.plro-quiz label { display: block; margin: 0.15em 0 0.15em 1.6em; }
.plro-pdf-chapter { break-before: page; }
.plro-pdf-part { break-before: page; border-bottom: 1px solid #888; margin-bottom: 1em; }
.plro-pdf-part + span + .plro-pdf-chapter { break-before: avoid; }
.plro-pdf-part h2 { font-size: 13pt; font-weight: normal; letter-spacing: 0.05em;
  text-transform: uppercase; margin: 0 0 0.3em; color: #444; }
.plro-pdf-chapter > :is(h1, h2, h3) { font-size: 20pt; line-height: 1.2; margin-top: 0; }
.plro-pdf-chapter :is(h4) { font-size: 14pt; }
.plro-pdf-chapter :is(h5) { font-size: 12pt; }
.plro-pdf-title { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.plro-pdf-title h1 { font-size: 26pt; line-height: 1.2; margin: 0 0 0.6em; }
.plro-pdf-title p { font-size: 11pt; margin: 0.3em 0; }
.plro-pdf-contents { break-before: page; }
.plro-pdf-contents h1 { font-size: 20pt; }
.plro-pdf-contents ol { list-style: none; padding: 0; margin: 0; }
.plro-pdf-contents li.part { font-weight: bold; margin-top: 0.9em; }
.plro-pdf-contents li.chapter { display: flex; gap: 0.5em; margin: 0.25em 0 0.25em 1em; }
.plro-pdf-contents li.chapter .title { flex: 1; }
.plro-pdf-contents li.chapter .page { width: 3em; text-align: right;
  font-variant-numeric: tabular-nums; }
.plro-pdf-contents .note { margin-top: 2em; font-size: 9.5pt; color: #333; }
"""
"""Print styles added to the single page before printing (see the module docstring)."""

FOOTER = ('<div style="width:100%; font-size:8pt; color:#444; text-align:center; '
          'font-family:sans-serif;">page <span class="pageNumber"></span> of '
          '<span class="totalPages"></span></div>')
HEADER = "<span></span>"
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}

ANSWERS_NOTE = ("The answers to the questions, the exercise solutions and the quiz feedback are "
                "left out of this PDF: on the book's site they are folded under each question.")

_PREPARE_JS = r"""
({parts, title, author, date, licence, note, contentsTitle, rootPage}) => {
  const make = (tag, cls, text) => {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const article = document.querySelector('article') || document.querySelector('main');
  const headingOf = (section) => section.querySelector(':scope > h1, :scope > h2, :scope > h3');
  const titleOf = (heading) => {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach((el) => el.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim();
  };
  const chapters = [];
  const missing = [];
  parts.forEach((part, p) => part.docs.forEach((doc, d) => {
    let section;
    if (p === 0 && d === 0) {
      section = article.querySelector('section');
    } else {
      const span = document.getElementById('document-' + doc);
      section = span && span.nextElementSibling;
    }
    if (!section || section.tagName !== 'SECTION' || !headingOf(section)) { missing.push(doc); return; }
    section.classList.add('plro-pdf-chapter');
    if (d === 0 && part.caption && p > 0) {
      const box = make('div', 'plro-pdf-part');
      box.appendChild(make('h2', '', part.caption));
      const span = section.previousElementSibling;
      span.parentNode.insertBefore(box, span);
    }
    chapters.push({doc, id: section.id, title: titleOf(headingOf(section)), part: part.caption});
  }));
  if (missing.length) return {missing};

  // Title page and contents, before the first chapter.
  const first = article.firstElementChild;
  const titlePage = make('section', 'plro-pdf-title');
  titlePage.appendChild(make('h1', '', title));
  titlePage.appendChild(make('p', '', author));
  titlePage.appendChild(make('p', '', date));
  const licenceBox = make('div', 'licence');
  licenceBox.innerHTML = licence;
  titlePage.appendChild(licenceBox);
  const contents = make('nav', 'plro-pdf-contents');
  contents.appendChild(make('h1', '', contentsTitle));
  const list = make('ol');
  let lastPart = null;
  chapters.forEach((ch) => {
    if (ch.part && ch.part !== lastPart) list.appendChild(make('li', 'part', ch.part));
    lastPart = ch.part;
    const item = make('li', 'chapter');
    const link = make('a', 'title', ch.title);
    link.href = '#' + ch.id;
    item.appendChild(link);
    const page = make('span', 'page', '');
    page.dataset.target = ch.id;
    item.appendChild(page);
    list.appendChild(item);
  });
  contents.appendChild(list);
  contents.appendChild(make('p', 'note', note));
  article.insertBefore(titlePage, first);
  article.insertBefore(contents, first);

  // Links within the book point into this page; links to files of the site (sources,
  // downloads) would print as addresses on this disk, so they become plain text.
  article.querySelectorAll('a[href]').forEach((a) => {
    const href = a.getAttribute('href');
    if (/^(https?:|mailto:|#)/.test(href)) return;
    const hash = href.indexOf('#');
    if (hash >= 0 && href.slice(0, hash) === rootPage) a.setAttribute('href', href.slice(hash));
    else a.removeAttribute('href');
  });
  // Links as text: an external link's address follows it unless its text already shows it.
  const plain = (s) => s.toLowerCase().replace(/^https?:\/\//, '').replace(/^doi:/, '')
                        .replace(/\/+$/, '').replace(/\s+/g, '');
  article.querySelectorAll('a[href^="http"]').forEach((a) => {
    const href = a.getAttribute('href');
    const target = plain(href).replace(/^(dx\.)?doi\.org\//, '');
    if (plain(a.textContent).includes(target)) return;
    a.after(make('span', 'plro-url', ` (${href})`));
  });
  document.title = title;
  return {chapters};
}
"""

_FILL_JS = r"""
(pages) => {
  document.querySelectorAll('.plro-pdf-contents .page').forEach((el) => {
    el.textContent = String(pages[el.dataset.target] ?? '');
  });
}
"""

_READY_JS = r"""
async () => {
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    await window.MathJax.startup.promise;
  }
  await Promise.all([...document.images].map((img) => img.complete ? null :
    new Promise((done) => { img.onload = img.onerror = done; })));
  await document.fonts.ready;
  return [...document.images].filter((img) => !img.naturalWidth).map((img) => img.src);
}
"""


class BookPdfError(RuntimeError):
    """The book PDF cannot be built (no Chromium, a failed build, a missing page)."""


@dataclass(frozen=True)
class Chapter:
    """One page of ``_toc.yml``: its docname and the caption of its part (or ``""``)."""

    docname: str
    part: str


def _toc_entries(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if "file" in node:
            found.append(str(node["file"]))
        for key in ("chapters", "sections"):
            for child in node.get(key) or []:
                found += _toc_entries(child)
    elif isinstance(node, list):
        for child in node:
            found += _toc_entries(child)
    return found


def _docname(path: str) -> str:
    stem = Path(path)
    return stem.with_suffix("").as_posix() if stem.suffix in {".md", ".ipynb"} else path


def toc_chapters(toc: Path) -> list[Chapter]:
    """The pages of a jb-book ``_toc.yml`` in reading order, root first, with their parts."""
    try:
        data = yaml.safe_load(toc.read_text(encoding="utf-8"))
        chapters = [Chapter(_docname(str(data["root"])), "")]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise BookPdfError(f"{toc}: cannot read the root of the table of contents ({exc})") from exc
    for part in data.get("parts") or [{"chapters": data.get("chapters") or []}]:
        caption = str(part.get("caption") or "")
        chapters += [Chapter(_docname(f), caption) for f in _toc_entries(part.get("chapters") or [])]
    return chapters


def is_outdated(pdf: Path, root: Path = REPO_ROOT) -> bool:
    """True when ``pdf`` is missing or older than any file of :data:`SOURCES`."""
    if not pdf.is_file():
        return True
    built = pdf.stat().st_mtime
    for name in SOURCES:
        path = root / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        if any(f.stat().st_mtime > built for f in files
               if not {".ipynb_checkpoints", "__pycache__"} & set(f.parts)):
            return True
    return False


def build_singlehtml(root: Path = REPO_ROOT, work: Path | None = None) -> Path:
    """Build the book as one HTML page; return the path of that page."""
    work = (work or root / WORK_DIR).resolve()
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run(
        [str(jupyter_book), "build", str(root), "--path-output", str(work), *JB_FLAGS],
        cwd=root, capture_output=True, text=True,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise BookPdfError(f"the single-page build failed (jupyter-book exit {done.returncode}):\n{tail}")
    out = work / "_build" / "singlehtml"
    page = out / f"{toc_chapters(root / '_toc.yml')[0].docname}.html"
    if not page.is_file():
        raise BookPdfError(f"the single-page build wrote no {page}")
    # Sphinx writes the page at the root page's path (book/intro.html) but makes its links
    # relative to the top of the build; a copy there sees its images and styles.
    top = out / PRINT_PAGE
    top.write_bytes(page.read_bytes())
    return top


def _book_settings(root: Path) -> dict:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    html = config.get("html") or {}
    return {
        "title": str(config.get("title") or "The book"),
        "author": str(config.get("author") or ""),
        "licence": str(html.get("extra_footer") or ""),
    }


def _chapter_pages(pdf: bytes, ids: list[str]) -> dict[str, int]:
    """The 1-based page of each element id, from the PDF's named destinations."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    named = reader.named_destinations
    return {i: reader.get_destination_page_number(named[f"/{i}"]) + 1
            for i in ids if f"/{i}" in named}


def _print_options(root: Path) -> tuple[dict, list[Chapter]]:
    chapters = toc_chapters(root / "_toc.yml")
    parts: list[dict] = []
    for chapter in chapters:
        if not parts or (chapter.part != parts[-1]["caption"]):
            parts.append({"caption": chapter.part, "docs": []})
        parts[-1]["docs"].append(chapter.docname)
    return {**_book_settings(root), "parts": parts, "note": ANSWERS_NOTE,
            "contentsTitle": "Contents", "rootPage": f"{chapters[0].docname}.html",
            "date": f"Printed {dt.date.today():%-d %B %Y}"}, chapters


def _print_page(browser, page_html: Path, options: dict) -> bytes:
    """Open, prepare and print the page in ``browser``, twice or more until the contents settle."""
    external: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            external.append(url)
            request_route.abort()

    context = browser.new_context(viewport={"width": 800, "height": 1100})
    try:
        page = context.new_page()
        page.route("**/*", route)
        page.goto(page_html.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.add_style_tag(content=PRINT_CSS)
        found = page.evaluate(_PREPARE_JS, options)
        if "missing" in found:
            raise BookPdfError(f"{page_html}: no chapter found for {found['missing']}")
        broken = page.evaluate(_READY_JS)
        if broken:
            raise BookPdfError(f"{page_html}: images that did not load: {broken[:5]}")
        ids = [c["id"] for c in found["chapters"]]
        shown: dict[str, int] = {}
        for _ in range(3):
            blob = page.pdf(format="A4", print_background=True, display_header_footer=True,
                            header_template=HEADER, footer_template=FOOTER, margin=MARGIN,
                            outline=True, tagged=True, prefer_css_page_size=True)
            pages = _chapter_pages(blob, ids)
            if pages == shown:
                break
            page.evaluate(_FILL_JS, pages)
            shown = pages
        else:
            raise BookPdfError("the contents page numbers did not settle after three prints")
    finally:
        context.close()
    if external:
        raise BookPdfError(f"the book page asked for other hosts (refused): {sorted(set(external))[:5]}")
    missing = sorted(set(ids) - set(shown))
    if missing:
        raise BookPdfError(f"the PDF has no destination for the chapters {missing}")
    return blob


def print_pdf(page_html: Path, out_pdf: Path, root: Path = REPO_ROOT,
              chromium: str | None = None, browser=None) -> Path:
    """Print the single-page book at ``page_html`` to ``out_pdf`` (see the module docstring).

    ``browser`` is a Playwright Chromium browser to print in; without one, ``chromium`` (or
    the one :func:`tools.chromium.find_chromium` finds) is started headless for the print.
    """
    options, _ = _print_options(root)
    if browser is not None:
        blob = _print_page(browser, page_html, options)
    else:
        from playwright.sync_api import sync_playwright

        chromium = chromium or find_chromium()
        if chromium is None:
            raise BookPdfError("no Chromium found: install the 'chromium' package or set PLRO_CHROMIUM")
        with sync_playwright() as pw:
            launched = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                blob = _print_page(launched, page_html, options)
            finally:
                launched.close()
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    out_pdf.write_bytes(blob)  # Chromium titles it with the page's title, the book's
    return out_pdf


def build_pdf(out_pdf: Path, root: Path = REPO_ROOT, work: Path | None = None) -> Path:
    """Build the single page and print it: the whole book as one PDF at ``out_pdf``."""
    chromium = find_chromium()
    if chromium is None:
        raise BookPdfError("no Chromium found: install the 'chromium' package or set PLRO_CHROMIUM")
    return print_pdf(build_singlehtml(root, work), out_pdf, root, chromium)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.book_pdf [--out PDF] [--if-chromium] [--if-outdated]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.book_pdf",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("_build/html") / PDF_SITE_PATH,
                        help=f"where to write the PDF (default _build/html/{PDF_SITE_PATH})")
    parser.add_argument("--if-chromium", action="store_true",
                        help="without a Chromium, say so and exit 0 (the site then links no PDF)")
    parser.add_argument("--if-outdated", action="store_true",
                        help="do nothing when the PDF is newer than every source of the book")
    args = parser.parse_args(argv)
    if args.if_chromium and find_chromium() is None:
        print("book PDF: not printed, no Chromium on this machine (install chromium or set "
              "PLRO_CHROMIUM); the site links no PDF", file=sys.stderr)
        return 0
    if args.if_outdated and not is_outdated(args.out):
        print(f"book PDF: {args.out} is up to date")
        return 0
    try:
        out = build_pdf(args.out)
    except BookPdfError as exc:
        print(f"book PDF: {exc}", file=sys.stderr)
        return 1
    print(f"book PDF written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
