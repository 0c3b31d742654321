"""One module per chapter: the facts its prose quotes, computed from the data in one call.

Each ``plro.chapters.<name>.facts(...)`` returns a ``{name: value}`` dict that the
chapter's notebook glues in a single cell; the prose then quotes ``{glue:text}`name```.
The values are already formatted for reading (integers as integers, one p-value style,
"patients 1 and 4"), so the page holds no bookkeeping code, and the tests can check each
fact against the data independently of the notebook.
"""
