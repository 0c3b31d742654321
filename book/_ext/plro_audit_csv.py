"""Chapter 6's audit as a downloadable CSV (filled in by the chapter's owner)."""


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
