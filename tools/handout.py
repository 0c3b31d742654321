"""Print the seminar handout from the built site: the case without answers, then key figures.

Usage (``make handout`` runs exactly this)::

    python -m tools.handout _build/html _build/handout.pdf

The handout is made in headless Chromium (Playwright) from the built HTML:

1. **The case.** The seminar case page is opened and everything that is not
   the case is removed before printing: site navigation, code cells, the
   answer drop-downs and toggles, the quiz feedback, and every section that is
   not a case stage or the quiz (the key points would give answers away).
2. **Key figures.** The seminar case's own numbered figures (their ``<img>`` and
   caption) are laid out on one A4 page. Figures of other chapters are left out:
   their captions and boxes (the WHO categories, the management flowchart) answer
   the case's questions before the room has discussed them.

The two PDFs are merged with :mod:`pypdf`. A missing site, page or Chromium
raises :class:`HandoutError` with a message that says what to do.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import mimetypes
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.chromium import CHROMIUM_ARGS, find_chromium

__all__ = [
    "CASE_PAGE",
    "FIGURES_TITLE",
    "HandoutError",
    "KeyFigure",
    "collect_figures",
    "build_handout",
    "main",
]

CASE_PAGE = "notebooks/07-seminar-case.html"
"""The seminar case page, relative to the site directory."""

FIGURES_TITLE = "Key figures"
"""Heading of the figures page (the last page of the handout)."""

MAX_FIGURES = 6
"""At most this many figures go on the one figures page."""

ANSWER_SELECTORS = [
    "details.sd-dropdown",  # MyST/sphinx-design {dropdown}
    ".toggle-details",  # sphinx-togglebutton {toggle}
    "details.toggle-details",
    "button.toggle-button",
    ".toggle",
    ".plro-quiz__feedbacks",  # quiz feedback (the quiz directive, book/_ext/plro_quiz.py)
    ".solution",  # sphinx-exercise solutions
]
"""Elements that hold answers; they are removed before the case is printed."""

_CLEAN_CASE_JS = """
([answerSelectors]) => {
  const drop = (sel) => document.querySelectorAll(sel).forEach((el) => el.remove());
  answerSelectors.forEach(drop);
  ['header', '.bd-header', '.bd-sidebar-primary', '.bd-sidebar-secondary', 'footer',
   '.bd-footer', '.prev-next-area', '.header-article', '.bd-header-article', '#pst-back-to-top',
   '.cell_input', '.headerlink', '.search-button-field', '#print-main-content'].forEach(drop);
  const article = document.querySelector('article') || document.body;
  const top = article.querySelector('section');
  if (top) {
    top.querySelectorAll(':scope > section').forEach((sec) => {
      const isStage = sec.querySelector(':scope > span[id^="case-stage-"]') ||
                      (sec.id || '').startsWith('case-stage-') ||
                      sec.querySelector('.plro-quiz');
      if (!isStage) sec.remove();
    });
  }
  document.querySelectorAll('.bd-container, .bd-container__inner, .bd-page-width, .bd-main, ' +
                            '.bd-content, .bd-article-container, .bd-article')
    .forEach((el) => {
      el.style.maxWidth = 'none'; el.style.width = '100%';
      el.style.padding = '0'; el.style.margin = '0';
    });
  return document.querySelectorAll('section').length;
}
"""


PRINT_WIDTH_PX = 680
"""Printable width of A4 with 15 mm margins (180 mm at 96 px per inch), in CSS pixels."""


class HandoutError(RuntimeError):
    """The handout cannot be built (missing site, page or Chromium)."""


@dataclass(frozen=True)
class KeyFigure:
    """One figure for the figures page: where it came from, its image file and caption."""

    page: str
    figure_id: str
    image: Path
    alt: str
    caption: str


def collect_figures(site_dir: str | Path, limit: int = MAX_FIGURES) -> list[KeyFigure]:
    """The seminar case page's own numbered figures, in page order, at most ``limit``.

    Only the case page is read: figures of other chapters answer the case's
    questions (the WHO categories, the management flowchart), so they never reach
    the participants' printout.
    """
    from bs4 import BeautifulSoup

    site = Path(site_dir)
    found: list[KeyFigure] = []
    for page in [site / CASE_PAGE]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for fig in soup.select("figure"):
            img = fig.find("img")
            if img is None or not img.get("src") or img["src"].startswith("data:"):
                continue
            caption = fig.find("figcaption")
            for link in caption.select("a.headerlink") if caption else []:
                link.decompose()
            text = " ".join(caption.get_text(" ").split()) if caption else ""
            found.append(
                KeyFigure(
                    page=page.relative_to(site).as_posix(),
                    figure_id=fig.get("id", ""),
                    image=(page.parent / img["src"]).resolve(),
                    alt=img.get("alt", ""),
                    caption=text,
                )
            )
    return found[:limit]


def _figures_html(figures: list[KeyFigure], scale: float = 1.0) -> str:
    rows = max(1, (len(figures) + 1) // 2)
    img_height = max(25.0, (230.0 / rows - 22.0) * scale)  # mm of the A4 page per row
    cells = []
    for fig in figures:
        mime = mimetypes.guess_type(fig.image.name)[0] or "image/png"
        data = base64.b64encode(fig.image.read_bytes()).decode("ascii")
        cells.append(
            f'<figure><img src="data:{mime};base64,{data}" alt="{html.escape(fig.alt)}" '
            f'style="max-height:{img_height:.0f}mm">'
            f"<figcaption>{html.escape(fig.caption)}</figcaption></figure>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{FIGURES_TITLE}</title>
<style>
  @page {{ size: A4; margin: 12mm; }}
  body {{ font-family: "DejaVu Sans", sans-serif; margin: 0; }}
  h1 {{ font-size: 16pt; margin: 0 0 4mm; }}
  .grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 4mm 6mm; }}
  figure {{ margin: 0; break-inside: avoid; }}
  img {{ max-width: 100%; display: block; margin: 0 auto; }}
  figcaption {{ font-size: {7.5 * scale:.1f}pt; line-height: 1.25; margin-top: 1mm; }}
</style></head>
<body><h1>{FIGURES_TITLE}</h1><div class="grid">{"".join(cells)}</div></body></html>"""


def _require_site(site: Path) -> Path:
    if not site.is_dir():
        raise HandoutError(f"site directory {site} not found: build the book first (make book)")
    case = site / CASE_PAGE
    if not case.is_file():
        raise HandoutError(f"{case} not found: is the seminar case in the table of contents?")
    return case


def build_handout(site_dir: str | Path, out_pdf: str | Path) -> Path:
    """Print the case (answers removed) and the key-figures page; merge them into ``out_pdf``."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    site = Path(site_dir).resolve()
    case = _require_site(site)
    chromium = find_chromium()
    if chromium is None:
        raise HandoutError("no Chromium found: install the 'chromium' package or set PLRO_CHROMIUM")
    figures = collect_figures(site)
    out = Path(out_pdf)
    out.parent.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            # Lay the page out at the printable width of A4 (210 mm - 2 x 15 mm, at 96 px/in)
            # so the theme's responsive layout matches the paper and no line is cut off.
            page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 960})
            page.goto(case.as_uri(), wait_until="load")
            page.evaluate(_CLEAN_CASE_JS, [ANSWER_SELECTORS])
            overflow = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('article p, article li')]"
                ".map((el) => el.getBoundingClientRect().right), 0)"
            )
            if overflow > PRINT_WIDTH_PX + 2:
                raise HandoutError(
                    f"the case text is {overflow:.0f} px wide, wider than the printable "
                    f"{PRINT_WIDTH_PX} px of A4: lines would be cut off in the handout"
                )
            page.emulate_media(media="print")
            case_pdf = page.pdf(format="A4", print_background=False,
                                margin={"top": "15mm", "bottom": "15mm",
                                        "left": "15mm", "right": "15mm"})
            figs_pdf = None
            for scale in (1.0, 0.85, 0.7, 0.55, 0.4):
                page.set_content(_figures_html(figures, scale), wait_until="load")
                figs_pdf = page.pdf(format="A4", prefer_css_page_size=True)
                if len(PdfReader(io.BytesIO(figs_pdf)).pages) == 1:
                    break
        finally:
            browser.close()

    writer = PdfWriter()
    for blob in (case_pdf, figs_pdf):
        writer.append(PdfReader(io.BytesIO(blob)))
    writer.add_metadata({"/Title": "PLRO seminar handout"})
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.handout SITE_DIR OUT_PDF``."""
    parser = argparse.ArgumentParser(prog="python -m tools.handout", description=__doc__.split("\n")[0])
    parser.add_argument("site_dir", help="the built HTML site, e.g. _build/html")
    parser.add_argument("out_pdf", help="where to write the PDF, e.g. _build/handout.pdf")
    args = parser.parse_args(argv)
    try:
        out = build_handout(args.site_dir, args.out_pdf)
    except HandoutError as exc:
        print(f"handout: {exc}", file=sys.stderr)
        return 1
    print(f"handout written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
