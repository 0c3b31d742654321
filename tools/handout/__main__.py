"""``python -m tools.handout``: see :mod:`tools.handout`."""

from tools.handout import main

raise SystemExit(main())
