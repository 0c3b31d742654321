"""The learner kit on the site: built at every HTML build and offered on every chapter.

At the end of an HTML build the kit (``tools/learner_kit.py``: notebooks, data, the
``plro`` package, lock file and a README) is written to ``downloads/plro-learner-kit.zip``
in the site. The book's root page and every notebook chapter get one line under their
title linking to it, with a relative address, so the link works wherever the site is
served. The browser tests fetch every download a page links, so a missing kit fails them.
"""

from __future__ import annotations

import importlib.util
import posixpath
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

KIT_PATH = "downloads/plro-learner-kit.zip"
LINK_HTML = ('<p class="plro-kit">Run this yourself: <a href="{href}" download>download the '
             "learner kit</a> (the notebooks, the data and the book's Python package; unzip it "
             "and follow its README).</p>")


def _kit_module(srcdir: str):
    """tools/learner_kit.py of the book being built, loaded from its file."""
    path = Path(srcdir) / "tools" / "learner_kit.py"
    spec = importlib.util.spec_from_file_location("plro_learner_kit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def offers_kit(app: Sphinx, docname: str) -> bool:
    """The pages that link the kit: the book's root page and every notebook chapter."""
    return docname == app.config.root_doc or docname.startswith("notebooks/")


def add_kit_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the kit's download line under the page title (the html builder only)."""
    if app.builder.name != "html" or not offers_kit(app, docname):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    href = posixpath.relpath(KIT_PATH, posixpath.dirname(docname) or ".")
    index = 1 if section.children and isinstance(section[0], nodes.title) else 0
    section.insert(index, nodes.raw("", LINK_HTML.format(href=href), format="html"))


def write_kit(app: Sphinx, exception: Exception | None) -> None:
    """Write the kit into the built site."""
    if exception is not None or app.builder.name != "html":
        return
    _kit_module(app.srcdir).build_kit(Path(app.outdir) / KIT_PATH, root=Path(app.srcdir))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", add_kit_link)
    app.connect("build-finished", write_kit)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
