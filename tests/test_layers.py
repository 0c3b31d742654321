"""The package's architecture: imports point down the layers, and content stays out of code.

``LAYERS`` is the one place that says which layer a module of ``src/plro`` belongs to
(CONTRIBUTING.md draws the same picture). A module may import only modules of a lower
layer: an import within a layer (sideways) or towards a higher one (upward) fails, and
so does a module that has not been given a layer.
"""

from __future__ import annotations

import ast
import csv
import re
import shutil
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "plro"
DATA = Path(__file__).resolve().parents[1] / "data"

# Lowest first. A module may import modules of strictly lower layers only.
LAYERS: list[tuple[str, list[str]]] = [
    ("data: errors", ["plro.data_errors"]),
    ("data: reading files", ["plro.data_csv", "plro.data_schema"]),
    ("data: typed values", ["plro.data_values"]),
    ("data: checks", ["plro.data_checks"]),
    ("data: loading", ["plro.data"]),
    ("data: the paper and the hashes", ["plro.paper", "plro.data_hashes", "plro.content"]),
    ("domain: resampling", ["plro.resampling"]),
    ("domain", ["plro.bone_density", "plro.labs", "plro.symptoms", "plro.imaging", "plro.pain",
                "plro.management", "plro.describe", "plro.minerals", "plro.stats",
                "plro.care"]),
    ("analysis: claim rules", ["plro.recompute"]),
    ("analysis", ["plro.audit", "plro.appraisal"]),
    ("analysis: search", ["plro.subsets"]),
    ("presentation: theme", ["plro.theme"]),
    ("presentation", ["plro.tables", "plro.figures.*"]),
    # One module per chapter: the facts its prose quotes, computed and formatted in one call.
    ("chapters", ["plro.chapters", "plro.chapters.*"]),
]


def layer_of(module: str) -> int | None:
    """Index in LAYERS of a module name (``plro.figures.*`` matches any figure module)."""
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if module == member or (member.endswith(".*") and module.startswith(member[:-1])):
                return index
    return None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def plro_imports(path: Path, root: Path) -> set[str]:
    """Modules of the package that one source file imports (absolute and relative imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "plro"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "plro":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                is_module = (root.parent / Path(*candidate.split("."))).with_suffix(".py").is_file() or (
                    root.parent / Path(*candidate.split(".")) / "__init__.py").is_file()
                found.add(candidate if is_module else base)
    return found - {"plro"}


def violations(root: Path) -> list[str]:
    """Every import of the package under ``root`` that breaks the layering, in words."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        here = module_name(path, root)
        if here == "plro" or here.endswith(".__init__"):
            continue
        if path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip("\n").count("import"):
            continue  # a package marker holding only a docstring
        mine = layer_of(here)
        if mine is None:
            problems.append(f"{here}: not in LAYERS (tests/test_layers.py); give it a layer")
            continue
        for target in sorted(plro_imports(path, root)):
            theirs = layer_of(target)
            if theirs is None:
                problems.append(f"{here} imports {target}, which has no layer")
            elif theirs == mine and target != here:
                problems.append(f"{here} imports {target} sideways (both '{LAYERS[mine][0]}')")
            elif theirs > mine:
                problems.append(f"{here} ('{LAYERS[mine][0]}') imports {target} upward "
                                f"('{LAYERS[theirs][0]}')")
    return problems


def test_imports_point_down_the_layers():
    assert violations(SRC) == []


def test_the_check_fails_on_an_upward_sideways_or_unassigned_import(tmp_path: Path):
    copy = tmp_path / "plro"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "data.py").write_text((copy / "data.py").read_text() + "\nfrom plro.theme import set_theme\n")
    (copy / "labs.py").write_text((copy / "labs.py").read_text() + "\nfrom . import pain\n")
    (copy / "newcomer.py").write_text('"""A module nobody placed."""\n')
    found = violations(copy)
    assert any(p.startswith("plro.data ('data: loading') imports plro.theme upward") for p in found)
    assert "plro.labs imports plro.pain sideways (both 'domain')" in found
    assert "plro.newcomer: not in LAYERS (tests/test_layers.py); give it a layer" in found


def test_the_product_package_imports_no_browser_or_pdf_tooling():
    banned = {"playwright", "pypdf", "axe_playwright_python", "IPython"}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & banned, f"{path.name} imports {names}"


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _paper_quotes() -> list[tuple[str, str]]:
    quotes = []
    for name, key in [("paper_statements.csv", "statement_id"), ("reported_statistics.csv", "claim_id")]:
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            quotes += [(row[key], row["quote"]) for row in csv.DictReader(handle)]
    return quotes


def test_no_string_literal_in_the_package_holds_a_sentence_of_the_paper():
    quotes = [(key, _words(q)) for key, q in _paper_quotes() if len(_words(q).split()) >= 6]
    assert len(quotes) > 50  # the statements file is read, not empty
    literals = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.append((path.name, _words(node.value)))
    found = [(file, key) for key, quote in quotes for file, text in literals if quote in text]
    assert found == [], "paper sentences typed into the package (read them through plro.paper)"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_much_over_400_lines(path: Path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420
