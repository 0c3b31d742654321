"""The learner kit: one zip with what a reader needs to run the chapters locally.

It holds the notebooks, the data package, the ``plro`` package, the reference list and the
book's teaching tables that the package reads, ``pyproject.toml`` and the lock file
``requirements.txt``, the licence, and a short README (``tools/learner-kit-README.md``) with
the two commands that run everything on Python 3.11. The paths inside the zip mirror the
repository's, under one top folder, so the package finds its data exactly as it does here.

The zip is deterministic (sorted entries, fixed timestamps), so rebuilding the book without
changes writes the same bytes. ``book/_ext/plro_kit.py`` builds it into the site at every
HTML build; ``python -m tools.learner_kit OUT.zip`` builds it anywhere.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TOP = "plro-learner-kit"
README = Path(__file__).with_name("learner-kit-README.md")
# Files and folders of the repository that go into the kit, as glob patterns.
PATTERNS = ("notebooks/*.ipynb", "data/*", "src/plro/**/*.py", "book/references.bib",
            "book/content/*.csv", "pyproject.toml", "requirements.txt", "LICENSE")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def kit_files(root: Path = REPO_ROOT) -> list[Path]:
    """Repository files the kit holds (relative paths, sorted); raises if a needed one is missing."""
    files = sorted({p.relative_to(root) for pattern in PATTERNS for p in root.glob(pattern)
                    if p.is_file() and "__pycache__" not in p.parts})
    for needed in ("data/datapackage.json", "src/plro/data.py", "requirements.txt", "pyproject.toml"):
        if Path(needed) not in files:
            raise FileNotFoundError(f"learner kit: {root / needed} is missing")
    if not any(p.parts[0] == "notebooks" for p in files):
        raise FileNotFoundError(f"learner kit: no notebooks in {root / 'notebooks'}")
    return files


def build_kit(out_zip: str | Path, root: Path = REPO_ROOT) -> Path:
    """Write the kit to ``out_zip`` (parent folders created) and return its path."""
    out = Path(out_zip)
    out.parent.mkdir(parents=True, exist_ok=True)
    entries = [(Path("README.md"), README.read_bytes())]
    entries += [(path, (root / path).read_bytes()) for path in kit_files(root)]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as kit:
        for path, content in entries:
            info = zipfile.ZipInfo(f"{TOP}/{path.as_posix()}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            kit.writestr(info, content)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.learner_kit OUT.zip``."""
    parser = argparse.ArgumentParser(description="Build the PLRO learner kit zip.")
    parser.add_argument("out", type=Path, help="where to write the zip")
    args = parser.parse_args(argv)
    print(build_kit(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
