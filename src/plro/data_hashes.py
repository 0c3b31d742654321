"""Record each data file's ``bytes`` and ``hash`` in ``datapackage.json``, after a reviewed edit.

The loader refuses a file whose exact bytes no longer match what is recorded
(:func:`plro.data_checks.integrity_problems`), so an accidental change (a
row lost, a value cut short) cannot pass unnoticed. After a deliberate edit
has been reviewed, record the new state::

    make data-hashes                  # = python -m plro.data_hashes [DATA_DIR]

This rewrites only the ``bytes`` and ``hash`` of each resource (the rest of
the descriptor is written back unchanged), prints which files changed, then
checks the whole package and prints any problem that remains.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from plro.data import DEFAULT_DATA_DIR, validate_package
from plro.data_checks import file_digest
from plro.data_errors import PLRODataError
from plro.data_schema import DESCRIPTOR, read_descriptor

__all__ = ["refresh_hashes", "main"]


def _recorded(resource: dict, size: int, digest: str) -> dict:
    """``resource`` with ``bytes`` and ``hash`` set (placed after ``encoding`` when new)."""
    if "hash" in resource and "bytes" in resource:
        return {**resource, "bytes": size, "hash": digest}
    out = {}
    for key, value in resource.items():
        if key not in ("bytes", "hash"):
            out[key] = value
        if key == "encoding":
            out.update(bytes=size, hash=digest)
    out.update(bytes=size, hash=digest)
    return out


def refresh_hashes(data_dir: str | Path | None = None) -> list[str]:
    """Record the current bytes and sha256 of every resource's file; return the files that changed.

    Resources whose file is missing are left as they are (the check that
    follows reports them). The descriptor is rewritten only when a record changed.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    descriptor = read_descriptor(data_dir)
    changed, resources = [], []
    for resource in descriptor["resources"]:
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, str) and (data_dir / path).is_file():
            raw = (data_dir / path).read_bytes()
            size, digest = len(raw), file_digest(raw)
            if (resource.get("bytes"), resource.get("hash")) != (size, digest):
                changed.append(path)
                resource = _recorded(resource, size, digest)
        resources.append(resource)
    if changed:
        descriptor["resources"] = resources
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        (data_dir / DESCRIPTOR).write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Command line: refresh the hashes in DATA_DIR (default ``data/``), then check the package."""
    parser = argparse.ArgumentParser(prog="python -m plro.data_hashes", description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA_DIR), help="the data folder")
    data_dir = Path(parser.parse_args(argv).data_dir)
    try:
        changed = refresh_hashes(data_dir)
        for path in changed:
            print(f"recorded new bytes and sha256 hash for {path}")
        if not changed:
            print("every recorded hash already matches its file")
        validate_package(data_dir)
    except PLRODataError as error:
        print(error)
        return 1
    print(f"{data_dir / DESCRIPTOR}: the package is valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
