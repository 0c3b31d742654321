"""Build and execution timings and page weights, each against its budget (`make bench`).

The book renders the notebooks' stored, nbval-checked outputs (``execute_notebooks:
off``), so building it should cost less than running the notebooks does:

(a) warm rebuild, nothing changed: the second of two builds into one temporary
    directory, at most 5 s;
(b) cold build (the first of those builds) at most 1.5 x the time it takes to
    execute every notebook once with nbclient (each in a temporary copy);
(c) each chapter notebook's execution time, kernel start included, as a ratio to
    a floor: a one-cell notebook that only imports pandas, numpy, scipy.stats,
    seaborn and matplotlib and draws one plot. The floor and every chapter run
    three times, interleaved, and medians are compared (a kernel start alone
    varies by a second here). Every chapter stays within 1.6 x the floor. The kernel's
    own busy time (the sum of its cells' execute_input-to-execute_reply spans)
    is printed beside it;
(d) each page's own weight (its HTML plus the images it references, not the
    shared theme assets) under 1 MB, with no ``data:`` URIs embedded in it.

Prints one table (measure | value | budget | floor/reference | ok) and exits 1 if
any budget is missed. Nothing is written inside the repository.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
from nbclient import NotebookClient

from tests.support.site import REPO_ROOT, page_html, toc_pages

JB = Path(sys.executable).with_name("jupyter-book")
JB_FLAGS = ["--builder", "html", "-W", "-n", "--keep-going"]
WARM_BUDGET_S = 5.0
COLD_FACTOR = 1.5
FLOOR_FACTOR = 1.6
RUNS = 3
FLOOR_SOURCE = """\
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.stats
import seaborn as sns

frame = pd.DataFrame({"x": np.arange(10), "y": scipy.stats.norm.ppf(np.linspace(0.05, 0.95, 10))})
sns.lineplot(data=frame, x="x", y="y")
plt.show()
"""
PAGE_BUDGET_BYTES = 1_000_000
IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.I)
DATA_URI = re.compile(r"""(?:src|href|srcset|data)\s*=\s*["']\s*(data:[^"']*)""", re.I)


@dataclass
class Row:
    measure: str
    value: str
    budget: str
    reference: str
    ok: bool


def build(out: Path) -> tuple[float, int, str]:
    """Time one strict ``jupyter-book build`` of the book into ``out``."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(JB), "build", str(REPO_ROOT), "--path-output", str(out), *JB_FLAGS],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return time.perf_counter() - start, done.returncode, tail


def _timestamp(cell: dict, key: str) -> datetime | None:
    value = cell.get("metadata", {}).get("execution", {}).get(key)
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def execute(notebook: Path, workdir: Path) -> tuple[float, float, float]:
    """Execute a temporary copy of a notebook; return (wall time, kernel span, kernel busy time).

    The copy runs with the notebook's own folder as working directory, as
    `make notebooks` does, and is written to ``workdir``, never over the original.
    """
    copy = workdir / notebook.name
    shutil.copy2(notebook, copy)
    nb = nbformat.read(copy, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(notebook.parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    nbformat.write(nb, copy)
    code = [c for c in nb.cells if c.cell_type == "code"]
    starts = [t for c in code if (t := _timestamp(c, "iopub.execute_input"))]
    ends = [t for c in code if (t := _timestamp(c, "shell.execute_reply"))]
    span = (max(ends) - min(starts)).total_seconds() if starts and ends else wall
    busy = sum(
        (end - begin).total_seconds()
        for c in code
        if (begin := _timestamp(c, "iopub.execute_input")) and (end := _timestamp(c, "shell.execute_reply"))
    )
    return wall, span, busy


def floor_notebook(workdir: Path) -> Path:
    """Write the one-cell floor notebook (imports and one plot) into ``workdir``."""
    path = workdir / "floor.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def page_weight(site: Path, docname: str) -> tuple[int, int, int, int]:
    """(HTML bytes, image bytes, data: URI count, data: URI bytes) of one page."""
    path = site / page_html(docname)
    html = path.read_text(encoding="utf-8")
    images = 0
    for src in sorted(set(IMG_SRC.findall(html))):
        parts = urlsplit(src)
        if parts.scheme or src.startswith("//"):
            continue
        target = (path.parent / unquote(parts.path)).resolve()
        if "_static" in target.relative_to(site.resolve()).parts:
            continue  # shared theme asset (the logo), cached once for the whole site
        if target.is_file():
            images += target.stat().st_size
    data_uris = DATA_URI.findall(html)
    return len(html.encode()), images, len(data_uris), sum(len(u) for u in data_uris)


def main() -> int:
    rows: list[Row] = []
    notebooks = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    pages = toc_pages()
    if not notebooks or len(pages) < 2:
        print(f"nothing to measure: {len(notebooks)} notebooks, {len(pages)} toc pages")
        return 1
    with tempfile.TemporaryDirectory(prefix="plro-bench-") as tmp:
        tmp_path = Path(tmp)
        out = tmp_path / "book"

        print(f"executing {len(notebooks)} notebooks (temporary copies) ...", flush=True)
        exec_dir = tmp_path / "executed"
        exec_dir.mkdir()
        floor_dir = tmp_path / "floor"
        floor_dir.mkdir()
        floor_nb = floor_notebook(floor_dir)
        execute(floor_nb, exec_dir)  # warm the disk caches once; not counted
        floors: list[float] = []
        runs: dict[str, list[tuple[float, float, float]]] = {nb.stem: [] for nb in notebooks}
        for _ in range(RUNS):  # interleaved, so load on the machine affects floor and chapters alike
            floors.append(execute(floor_nb, exec_dir)[0])
            for nb in notebooks:
                runs[nb.stem].append(execute(nb, exec_dir))
        floor = statistics.median(floors)
        timings = {name: min(r, key=lambda t: abs(t[0] - statistics.median(x[0] for x in r)))
                   for name, r in runs.items()}  # the run with the median wall time
        exec_total = sum(wall for wall, _, _ in timings.values())  # one run of each

        print("cold build ...", flush=True)
        cold, cold_rc, cold_tail = build(out)
        print("warm rebuild ...", flush=True)
        warm, warm_rc, warm_tail = build(out)

        rows.append(Row("cold build (s)", f"{cold:.1f}",
                        f"<= {COLD_FACTOR} x execution = {COLD_FACTOR * exec_total:.1f}",
                        f"execute all notebooks: {exec_total:.1f}",
                        cold_rc == 0 and cold <= COLD_FACTOR * exec_total))
        rows.append(Row("warm rebuild, nothing changed (s)", f"{warm:.1f}",
                        f"<= {WARM_BUDGET_S:.0f}", f"cold build: {cold:.1f}",
                        warm_rc == 0 and warm <= WARM_BUDGET_S))
        rows.append(Row("floor notebook, kernel start included (s)", f"{floor:.2f}", "",
                        "runs: " + ", ".join(f"{f:.2f}" for f in floors), True))
        for name, (wall, _span, busy) in timings.items():
            rows.append(Row(f"{name} / floor", f"{wall / floor:.2f}",
                            f"<= {FLOOR_FACTOR}",
                            f"{wall:.2f} s with kernel start; kernel busy {busy:.2f} s",
                            wall <= FLOOR_FACTOR * floor))

        site = out / "_build" / "html"
        for docname in pages:
            if not (site / page_html(docname)).is_file():
                rows.append(Row(f"page {docname}", "not built", "built", "", False))
                continue
            html, images, n_data, data_bytes = page_weight(site, docname)
            total = html + images
            rows.append(Row(f"page {docname} (kB)", f"{total / 1000:.0f}",
                            f"< {PAGE_BUDGET_BYTES / 1000:.0f}",
                            f"HTML {html / 1000:.0f} + images {images / 1000:.0f}",
                            total < PAGE_BUDGET_BYTES))
            rows.append(Row(f"page {docname} data: URIs", str(n_data), "0",
                            f"{data_bytes / 1000:.1f} kB inline", n_data == 0))

    header = ("measure", "value", "budget", "floor/reference", "ok")
    table = [header] + [(r.measure, r.value, r.budget, r.reference, "ok" if r.ok else "MISSED")
                        for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for i, line in enumerate(table):
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    for label, rc, tail in (("cold build", cold_rc, cold_tail), ("warm rebuild", warm_rc,
                                                                 warm_tail)):
        if rc != 0:
            print(f"\n{label} failed (exit {rc}); its last lines:\n{tail}")
    missed = [r.measure for r in rows if not r.ok]
    print(f"\n{len(rows) - len(missed)} within budget, {len(missed)} missed"
          + (f": {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
