"""Maintainer and build tools for the PLRO book; not part of the ``plro`` package.

Run them from the repository root, e.g. ``python -m tools.handout _build/html _build --by-stage``.
"""
