"""Find a Chromium that the browser tests (tests/) and the handout printer (tools.handout) can drive.

Order: ``$PLRO_CHROMIUM`` if set, then the system ``chromium`` (Debian's
``/usr/bin/chromium``), then a Chromium that Playwright itself installed.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "find_chromium"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for headless Chromium on a machine with a closed network and no sandbox."""


def find_chromium() -> str | None:
    """Path of a Chromium executable, or ``None`` if none is installed."""
    env = os.environ.get("PLRO_CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    candidates = sorted(glob.glob(str(cache / "chromium-*/chrome-linux*/chrome")))
    return candidates[-1] if candidates else None
