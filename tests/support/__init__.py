"""Helpers shared by the tests (and the benchmark): the built site, its pages and its quizzes.

Import them as ``from tests.support.site import ...``; pytest puts the repository
root on ``sys.path`` through the ``pythonpath`` option in ``pyproject.toml``.
"""
