"""Sphinx settings and small HTML fixes for the published PLRO site.

Settings that depend on where the book is published: ``repository.url`` in
``_config.yml`` is the one switch. While it is empty (before the book is
published) the site shows no repository, issue, edit or launch buttons, so it
never links to a made-up address. Once the maintainer sets it, the repository,
issue and edit buttons appear, and for a GitHub repository the Binder and Colab
launch buttons on notebook pages too. ``html.baseurl``, when set, also becomes
the Open Graph site URL so shared links get absolute ``og:url`` values, and the
book's title is the Open Graph site name. The download buttons (.ipynb, .md,
print to PDF) work offline and are always shown.

HTML fixes found by the browser tests (tests/test_site.py): each inline script
is written once per page (no duplicate ``const`` error in the console),
bibliography entries get the ``listitem`` role their list needs (axe-core), and
the site's root ``index.html`` (the redirect to the book's first page) is a
small HTML page with a language, a title, the site's icon and a plain link, so
that no browser asks for a missing ``/favicon.ico``.

Reading aids (issue 13): each figure's image is a link to the image file itself, opened
in a new tab, so a phone reader can see it full size (:func:`link_figures`; plro.css adds
a "tap to enlarge" hint on touch screens); ``plro-reading.js`` gives wide tables a
scroll cue and keeps code out of search snippets (its header says how).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.osutil import SEP

REPOSITORY_BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")
LAUNCHERS = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com"}


def configure_buttons(app: Sphinx, config: Config) -> None:
    """Turn the repository-dependent buttons on exactly when a repository URL is set."""
    options = config.html_theme_options
    repository_url = str(options.get("repository_url") or "").strip()
    launch = dict(options.get("launch_buttons") or {})
    if repository_url:
        for button in REPOSITORY_BUTTONS:
            options[button] = True
        if "github.com" in repository_url:
            for key, url in LAUNCHERS.items():
                launch[key] = launch.get(key) or url
    else:
        for button in REPOSITORY_BUTTONS:
            options[button] = False
        for key in LAUNCHERS:
            launch[key] = ""
        launch["thebe"] = False
    options["launch_buttons"] = launch
    if "ogp_site_url" in config:
        if not config.ogp_site_url and config.html_baseurl:
            config.ogp_site_url = config.html_baseurl
        if config.ogp_site_name is None:
            config.ogp_site_name = config.html_title


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str,
                           context: dict, doctree: object) -> None:
    """Write each script once per page.

    With Sphinx 7.4, inline scripts that extensions add while the build runs
    (sphinx-thebe's ``const THEBE_JS_URL = ...``, sphinx-togglebutton's
    selector) reach the page twice; the second ``const`` is a JavaScript
    error in every reader's console.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        filename = str(getattr(script, "filename", script) or "")
        key = (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def fix_bibliography_roles(app: Sphinx, pagename: str, templatename: str,
                           context: dict, doctree: object) -> None:
    """Give bibliography entries the ``listitem`` role their ``role="list"`` parent needs.

    Docutils writes each citation as ``role="doc-biblioentry"`` inside a
    ``role="list"`` container; DPUB-ARIA 1.1 deprecates that role in favour of
    ``listitem``, and screen readers (and axe-core) do not count it as a list item.
    """
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


_FIGURE_IMAGE = re.compile(r'(<figure\b[^>]*>\s*)(<img\b[^>]*?\bsrc="([^"]+)"[^>]*>)')


def link_figures_html(body: str) -> str:
    """``body`` with each figure's image wrapped in a link to the image file, opened in a new tab.

    Only an ``<img>`` that opens a ``<figure>`` is wrapped, so an image that is already a
    link (Sphinx links scaled images to their original) keeps its link.
    """
    return _FIGURE_IMAGE.sub(
        lambda m: (f'{m[1]}<a class="plro-figure-link" href="{m[3]}" '
                   f'target="_blank" rel="noopener" title="Open the figure full size">'
                   f"{m[2]}</a>"),
        body,
    )


def link_figures(app: Sphinx, pagename: str, templatename: str,
                 context: dict, doctree: object) -> None:
    """Make every figure of the page open full size (see :func:`link_figures_html`)."""
    body = context.get("body")
    if body and "<figure" in body:
        context["body"] = link_figures_html(body)


def root_redirect_html(target: str, title: str, language: str, icon: str | None) -> str:
    """The root page: an immediate redirect to ``target``, with the site's icon and a link."""
    target, title = html.escape(target), html.escape(title)
    icon_link = f'<link rel="icon" href="{html.escape(icon)}">\n' if icon else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f"{icon_link}</head>\n"
        f'<body>\n<p>Opening <a href="{target}">{title}</a>.</p>\n</body>\n</html>\n'
    )


def write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html`` as a redirect page that carries the site's icon.

    Only for the ``html`` builder and when the book's root page is not ``index``
    itself. It runs before sphinx-external-toc's own bare redirect (which is
    then skipped because the file exists), and rewrites the page on every build
    so it follows the root in ``_toc.yml``.
    """
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    favicon = str(app.config.html_favicon or "")
    if favicon and "://" not in favicon:
        favicon = f"_static/{Path(favicon).name}"
    target = app.builder.get_target_uri(app.config.root_doc).replace(SEP, "/")
    page = root_redirect_html(target, str(app.config.html_title or app.config.project),
                              str(app.config.language or "en"), favicon or None)
    Path(app.outdir, "index.html").write_text(page, encoding="utf-8")


def _bibliography_style() -> type:
    """pybtex's "plain" style, except that an article with a volume and no pages still shows
    its volume and issue ("32(2)"): plain prints them only beside page numbers, and the case
    series' record has none."""
    from pybtex.style.formatting import toplevel
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.formatting.unsrt import date, pages
    from pybtex.style.template import (
        field,
        first_of,
        join,
        optional,
        optional_field,
        sentence,
        tag,
        words,
    )

    class Style(Plain):
        def get_article_template(self, e):
            volume = join[field("volume"), optional["(", field("number"), ")"]]
            volume_and_pages = first_of[optional[join[volume, ":", pages]], optional[volume],
                                        words["pages", pages]]
            return toplevel[
                self.format_names("author"),
                self.format_title(e, "title"),
                sentence[tag("em")[field("journal")], optional[volume_and_pages], date],
                sentence[optional_field("note")],
                self.format_web_refs(e),
            ]

    return Style


def setup(app: Sphinx) -> dict:
    import pybtex.plugin

    # The bibliography style named in _config.yml (bibtex_default_style: plro).
    pybtex.plugin.register_plugin("pybtex.style.formatting", "plro", _bibliography_style())
    # Run after sphinxext.opengraph has registered its settings.
    app.connect("config-inited", configure_buttons, priority=900)
    app.connect("html-page-context", drop_duplicate_scripts)
    app.connect("html-page-context", fix_bibliography_roles)
    app.connect("html-page-context", link_figures)
    app.add_js_file("plro-reading.js", loading_method="defer")
    # Before sphinx-external-toc's ensure_index_file (priority 500).
    app.connect("build-finished", write_root_redirect, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
