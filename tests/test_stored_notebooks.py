"""The notebooks as committed: outputs stored, and nothing that changes on every run.

``make notebooks`` executes them with ``record_timing=False``, so refreshing a notebook
gives a clean diff; nbval (``make test``) then compares every stored output, figures
included (they are SVG, which nbval compares as text).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_execution_timestamps(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    stamped = [i for i, cell in enumerate(nb["cells"]) if "execution" in cell.get("metadata", {})]
    assert not stamped, f"{path.name}: cells {stamped} carry execution timestamps; run `make notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_are_svg(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    raster = [i for i, cell in enumerate(nb["cells"]) for out in cell.get("outputs", [])
              if "image/png" in out.get("data", {})]
    assert not raster, f"{path.name}: cells {raster} store PNG figures; the first cell sets SVG"


def test_there_are_figures_to_compare() -> None:
    svg = sum(json.dumps(json.loads(p.read_text(encoding="utf-8"))).count('"image/svg+xml"')
              for p in NOTEBOOKS)
    assert svg >= 20
