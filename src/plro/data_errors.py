"""The one error the data layer raises, and the problem records it carries.

Every check of :mod:`plro.data` reports a :class:`DataProblem` naming the
file, where in it (a CSV row, or a resource of ``datapackage.json``), the
field and the problem; :class:`PLRODataError` collects them all, so one load
shows every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DataProblem", "PLRODataError"]


@dataclass(frozen=True)
class DataProblem:
    """One problem found in one data file.

    ``row`` is the line number in the file (in a CSV file the header is line 1
    and the first data row line 2; in ``datapackage.json`` only a JSON syntax
    error has a line). ``None`` means the problem concerns the whole file, or,
    when ``resource`` is set, one resource of the descriptor. ``field`` is
    ``None`` when the problem concerns a whole row, file or resource.
    """

    file: str
    row: int | None
    field: str | None
    problem: str
    resource: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.resource is not None:
            where.append(f"resource '{self.resource}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        elif self.resource is None:
            where.append("whole file")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return ", ".join(where) + f": {self.problem}"


class PLRODataError(ValueError):
    """Raised when the data package is incomplete, malformed or does not match its descriptor.

    ``problems`` lists every :class:`DataProblem` found; the message shows them
    one per line, each naming file, row (or resource), field and problem.
    """

    def __init__(self, problems: list[DataProblem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the PLRO data:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
