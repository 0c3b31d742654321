"""The source paper as data: its sentences, its printed numbers and its reference list.

Three files in the repository hold everything the book takes from the paper's text,
each the one home of its kind of fact:

* ``data/paper_statements.csv``: the sentences the book relies on, as short exact
  quotes, read by :func:`statement` and :func:`statements`;
* ``data/reported_statistics.csv``: every number the paper prints, read by
  :func:`reported_statistics`, :func:`printed` and :func:`claim_patients`;
* ``book/references.bib``: the paper's reference list as printed, each entry with
  a ``refnumber`` field holding its number in that list, read by :func:`references`
  and :func:`citation_key`.

Both CSV files are read through :func:`plro.data.load_table`, so they are validated
against ``data/datapackage.json`` like every other table. Asking for an id that a
file does not hold raises :class:`UnknownIdError` naming the id and the file.

Typical use::

    from plro.paper import citation_key, printed, statement
    statement("cs_smokers").quote        # 'Four patients (Patients 5, 6, 8, and 10) ...'
    printed("cs_age_mean").value         # 29.75, as printed in the Case Series
    printed("cs_age_mean").sd            # 3.24
    citation_key(7)                      # 'kovacs2016'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from plro.data import DEFAULT_DATA_DIR, load_table

__all__ = [
    "REFERENCES_BIB",
    "UnknownIdError",
    "ReferenceListError",
    "Statement",
    "Printed",
    "statements",
    "statement",
    "reported_statistics",
    "printed",
    "claim_patients",
    "references",
    "citation_key",
]

REFERENCES_BIB = DEFAULT_DATA_DIR.parent / "book" / "references.bib"
"""The book's bibliography: the source paper and its reference list as printed."""

_STATEMENTS = "paper_statements"
_CLAIMS = "reported_statistics"


class UnknownIdError(LookupError):
    """An id (statement, claim or reference number) that its file does not hold."""


class ReferenceListError(ValueError):
    """The ``refnumber`` fields of ``references.bib`` do not make a numbered list 1..N."""


def _numbers(cell) -> tuple[int, ...]:
    """'3;6;12' -> (3, 6, 12); an empty cell -> ()."""
    if cell is None or pd.isna(cell) or str(cell) == "":
        return ()
    return tuple(int(part) for part in str(cell).split(";"))


def _text(cell) -> str:
    return "" if cell is None or pd.isna(cell) else str(cell)


def _row(table: pd.DataFrame, key: str, value: str, resource: str) -> pd.Series:
    found = table[table[key] == value]
    if found.empty:
        raise UnknownIdError(
            f"{key} {value!r} is not in data/{resource}.csv ({len(table)} rows; "
            f"ids look like {', '.join(map(repr, table[key].head(3)))})"
        )
    return found.iloc[0]


# ----------------------------------------------------------------- statements
@dataclass(frozen=True)
class Statement:
    """One sentence (or part of one) of the paper, quoted exactly.

    ``cited_references`` are the reference numbers the quote cites, as printed;
    ``note`` is the book's own short comment ("" when there is none).
    """

    statement_id: str
    section: str
    quote: str
    cited_references: tuple[int, ...]
    note: str


def statements(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/paper_statements.csv`` as a typed table, one row per statement, in file order."""
    return load_table(_STATEMENTS, data_dir)


def statement(statement_id: str, data_dir: str | Path | None = None,
              table: pd.DataFrame | None = None) -> Statement:
    """The statement ``statement_id``; :class:`UnknownIdError` naming id and file if absent.

    ``table`` is :func:`statements` already loaded (``load_all()["paper_statements"]``):
    a caller that looks up many statements passes it, so the file is read once.
    """
    table = statements(data_dir) if table is None else table
    row = _row(table, "statement_id", statement_id, _STATEMENTS)
    text = {field: str(row[field]) for field in ("statement_id", "section", "quote")}
    return Statement(**text, cited_references=_numbers(row["cited_references"]), note=_text(row["note"]))


# ------------------------------------------------------------ printed numbers
@dataclass(frozen=True)
class Printed:
    """One number the paper prints, as ``reported_statistics.csv`` records it.

    ``value`` is the number (words read as numbers: 'Four' is 4), ``decimals`` the
    places printed; ``sd`` and ``sd_decimals`` the SD printed after it, or ``None``.
    ``as_printed`` is the number's own text ('29.75', 'seven'), ``quantity`` what it
    measures, in the book's words. ``float(p)`` is
    ``p.value``, so a printed number can stand where a float is expected.
    """

    claim_id: str
    section: str
    quote: str
    quantity: str
    as_printed: str
    value: float
    decimals: int
    sd: float | None
    sd_decimals: int | None
    unit: str
    patient_ids: tuple[int, ...]
    vertebral_levels: tuple[str, ...]
    cited_references: tuple[int, ...]

    def __float__(self) -> float:
        return self.value

    @property
    def text(self) -> str:
        """The number as printed, with its SD when there is one ('29.75 ± 3.24', 'seven')."""
        if self.sd is None:
            return self.as_printed
        return f"{self.as_printed} ± {self.sd:.{self.sd_decimals}f}"


def reported_statistics(data_dir: str | Path | None = None) -> pd.DataFrame:
    """``data/reported_statistics.csv`` as a typed table: one row per printed number."""
    return load_table(_CLAIMS, data_dir)


def printed(claim_id: str, data_dir: str | Path | None = None,
            table: pd.DataFrame | None = None) -> Printed:
    """The number of claim ``claim_id``; :class:`UnknownIdError` naming id and file if absent.

    ``table`` is :func:`reported_statistics` already loaded
    (``load_all()["reported_statistics"]``), so that many look-ups read the file once.
    """
    table = reported_statistics(data_dir) if table is None else table
    row = _row(table, "claim_id", claim_id, _CLAIMS)
    has_sd = not pd.isna(row["reported_sd"])
    levels = _text(row["vertebral_levels"])
    return Printed(
        claim_id=str(row["claim_id"]),
        section=str(row["section"]),
        quote=str(row["quote"]),
        quantity=str(row["quantity"]),
        as_printed=str(row["value_as_printed"]),
        value=float(row["reported_value"]),
        decimals=int(row["reported_decimals"]),
        sd=float(row["reported_sd"]) if has_sd else None,
        sd_decimals=int(row["reported_sd_decimals"]) if has_sd else None,
        unit=str(row["unit"]),
        patient_ids=_numbers(row["patient_ids"]),
        vertebral_levels=tuple(levels.split(";")) if levels else (),
        cited_references=_numbers(row["cited_reference"]),
    )


def claim_patients(claim_id: str, data_dir: str | Path | None = None) -> tuple[int, ...]:
    """The patient numbers the paper names with claim ``claim_id`` (() when it names none)."""
    return printed(claim_id, data_dir).patient_ids


# ------------------------------------------------------------- reference list
def _plain(value: str) -> str:
    """A BibTeX field value without its protective braces, white space collapsed."""
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def references(path: str | Path = REFERENCES_BIB) -> pd.DataFrame:
    """The paper's reference list, from the entries of ``path`` that carry a ``refnumber``.

    One row per printed reference, in the paper's order. Columns: ``refnumber``,
    ``key``, ``authors`` (as in the file, joined with '; '), ``title``, ``journal``,
    ``volume``, ``issue``, ``pages`` and ``year`` (int). Entries without a
    ``refnumber`` (the source paper itself) are not part of the list. Raises
    :class:`ReferenceListError`, naming the file and the entries, when a refnumber is
    not a whole number, is used twice, or the numbers are not 1, 2, ... N.
    """
    from pybtex.database import parse_file

    path = Path(path)
    rows, problems = [], []
    for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
        number = entry.fields.get("refnumber")
        if number is None:
            continue
        if not re.fullmatch(r"\d+", number.strip()):
            problems.append(f"{key}: refnumber {number!r} is not a whole number")
            continue
        fields = {name: _plain(entry.fields.get(name, "")) for name in
                  ("title", "journal", "volume", "number", "pages", "year")}
        rows.append({
            "refnumber": int(number),
            "key": key,
            "authors": "; ".join(str(p) for p in entry.persons.get("author", [])),
            "title": fields["title"],
            "journal": fields["journal"],
            "volume": fields["volume"],
            "issue": fields["number"],
            "pages": fields["pages"],
            "year": int(fields["year"]) if fields["year"].isdigit() else None,
        })
    table = pd.DataFrame(rows, columns=["refnumber", "key", "authors", "title", "journal",
                                        "volume", "issue", "pages", "year"])
    table = table.sort_values("refnumber", ignore_index=True)
    twice = table[table["refnumber"].duplicated(keep=False)]
    for number, keys in twice.groupby("refnumber")["key"]:
        problems.append(f"refnumber {number} is used by {', '.join(sorted(keys))}")
    expected = list(range(1, len(table) + 1))
    if not problems and list(table["refnumber"]) != expected:
        missing = sorted(set(expected) - set(table["refnumber"]))
        problems.append(f"refnumbers must run 1..{len(table)}; missing {missing}")
    if problems:
        raise ReferenceListError(f"{path}: " + "; ".join(problems))
    return table


def citation_key(refnumber: int, path: str | Path = REFERENCES_BIB) -> str:
    """The bibliography key of the paper's reference ``refnumber`` (as printed, 1..N)."""
    table = references(path)
    found = table.loc[table["refnumber"] == int(refnumber), "key"]
    if found.empty:
        raise UnknownIdError(
            f"the paper has no reference number {refnumber}: {path} numbers its "
            f"references 1-{len(table)}"
        )
    return str(found.iloc[0])
