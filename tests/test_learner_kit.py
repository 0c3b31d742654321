"""The learner kit runs on its own: unpacked in an empty folder, a chapter executes against
the kit's own data and package, and the built site offers it on every chapter."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.support.site import page_html, toc_pages
from tools import learner_kit

KIT_NOTEBOOK = "notebooks/02-the-cohort.ipynb"


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The kit built from this repository and unpacked into an empty folder."""
    folder = tmp_path_factory.mktemp("kit")
    archive = learner_kit.build_kit(folder / "kit.zip")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
    return folder / learner_kit.TOP


def test_the_kit_holds_notebooks_data_package_lock_file_and_readme(kit: Path):
    notebooks = sorted(p.name for p in (kit / "notebooks").glob("*.ipynb"))
    assert notebooks == sorted(p.name for p in (learner_kit.REPO_ROOT / "notebooks").glob("*.ipynb"))
    for needed in ("data/datapackage.json", "data/visits.csv", "src/plro/data.py", "src/plro/figures",
                   "requirements.txt", "pyproject.toml", "book/references.bib", "LICENSE"):
        assert (kit / needed).exists(), needed
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "pip install --no-deps -r requirements.txt" in readme and "jupyter lab notebooks" in readme
    assert "Python 3.11" in readme
    assert (kit / "requirements.txt").read_text(encoding="utf-8").rstrip().endswith("-e .")


def test_the_kit_is_the_same_bytes_when_rebuilt(tmp_path: Path):
    first = learner_kit.build_kit(tmp_path / "a.zip").read_bytes()
    assert learner_kit.build_kit(tmp_path / "b.zip").read_bytes() == first


def test_a_missing_data_package_stops_the_kit(tmp_path: Path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "x.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="datapackage.json"):
        learner_kit.build_kit(tmp_path / "kit.zip", root=tmp_path)


def test_a_chapter_runs_in_the_unpacked_kit_on_the_kits_own_data(kit: Path):
    env = {**os.environ, "PYTHONPATH": str(kit / "src")}
    where = subprocess.run([sys.executable, "-c", "import plro.data as d; print(d.DEFAULT_DATA_DIR)"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where) == kit / "data"  # the kit's package and data, not the repository's
    nb = nbformat.read(kit / KIT_NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        "import plro.data\nassert plro.data.DEFAULT_DATA_DIR.parent.name == 'plro-learner-kit'"))
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(kit / "notebooks")}})
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(kit / "src")  # the kernel inherits it
    try:
        client.execute()
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = previous
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.browser
def test_the_built_site_offers_the_kit_on_the_root_page_and_every_chapter(built_site: Path):
    assert (built_site / "downloads" / "plro-learner-kit.zip").is_file()
    chapters = [d for d in toc_pages() if d.startswith("notebooks/")] + [toc_pages()[0]]
    assert len(chapters) >= 8
    for docname in chapters:
        html = (built_site / page_html(docname)).read_text(encoding="utf-8")
        assert 'class="plro-kit"' in html and "plro-learner-kit.zip" in html, docname
