"""The glossary: complete, used, and linked from each chapter at first use.

Three kinds of check:

* the glossary (``book/glossary.md``) parses and defines every term the book's
  brief requires, each with a definition;
* every glossary entry is used somewhere in the book (markdown cells of the
  notebooks and every ``book/**/*.md`` page other than the glossary);
* in each chapter notebook and each teaching page, the FIRST use of every
  glossary term is a link to the glossary: a ``{term}`...``` role or a markdown
  link to ``glossary.html#term-...``. Headings, code, other roles
  (``{cite}``, ``{glue:text}``, ``{numref}``...), directive lines and link
  targets are not prose and are ignored. An entry with several names (``DXA``
  and ``dual-energy X-ray absorptiometry``) counts as one term: the first use of
  any of its names must be linked. A longer term wins over a shorter one inside
  it ("transient osteoporosis of the hip" is not a use of "osteoporosis").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"

# Terms the book must define (from the project brief), matched case-insensitively
# against every name of every glossary entry.
REQUIRED_TERMS = [
    "PLRO", "DXA", "BMD", "T-score", "Z-score", "WHO categories", "osteoporosis", "osteopenia",
    "VAS", "ALP", "PTH", "25(OH)D", "calcium", "magnesium", "vertebral compression fracture",
    "fragility fracture", "vertebroplasty", "kyphoplasty", "spinal brace", "bisphosphonate",
    "teriparatide", "strontium ranelate", "ibandronate", "diclofenac", "paracetamol",
    "hypercalciuria", "hypercalcaemia", "MRI", "transient osteoporosis of the hip", "case series",
    "retrospective study", "control group", "regression to the mean", "confounding", "median",
    "IQR", "standard deviation", "Wilcoxon signed-rank test", "Friedman test",
    "Mann-Whitney U test", "effect size", "bootstrap confidence interval", "reference interval",
    "JBI critical appraisal checklist", "primiparous", "postpartum", "lactation",
]


@dataclass
class Entry:
    names: list[str]
    definition: str

    @property
    def key(self) -> str:
        return self.names[0]


def parse_glossary(path: Path = GLOSSARY) -> list[Entry]:
    """Entries of the ``{glossary}`` directive: unindented lines are names, indented ones define."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^```\{glossary\}[^\n]*\n(.*?)^```\s*$", text, flags=re.S | re.M)
    assert match, f"{path}: no ```{{glossary}} block found"
    entries: list[Entry] = []
    names: list[str] = []
    definition: list[str] = []
    for line in match.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if line[0].isspace():
            definition.append(line.strip())
            continue
        if definition:  # a new entry starts
            entries.append(Entry(names, " ".join(definition)))
            names, definition = [], []
        names.append(line.strip())
    if names:
        entries.append(Entry(names, " ".join(definition)))
    return entries


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-")


# ---------------------------------------------------------------------------
# Reading the book's prose


def chapter_sources() -> list[Path]:
    """Every notebook and every markdown page except the glossary itself."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    pages = sorted(p for p in (ROOT / "book").rglob("*.md") if p.resolve() != GLOSSARY.resolve())
    return notebooks + pages


def linked_sources() -> list[Path]:
    """The files whose first uses must link: chapter notebooks and teaching pages."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    teaching = sorted((ROOT / "book" / "teaching").glob("*.md"))
    return notebooks + teaching


def markdown_blocks(path: Path, root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, text) for each markdown cell of a notebook, or the whole page of a .md file."""
    rel = path.relative_to(root).as_posix()
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        blocks = []
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                src = cell["source"]
                blocks.append((f"{rel} cell {i}", "".join(src) if isinstance(src, list) else src))
        return blocks
    return [(rel, path.read_text(encoding="utf-8"))]


_TERM_ROLE = re.compile(r"\{term\}`([^`]*)`")
_OTHER_ROLE = re.compile(r"\{[^}\s]+\}`[^`]*`")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_NOT_PROSE = [
    re.compile(r"^[ \t]*#{1,6} .*$", re.M),  # headings
    re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S),  # fenced code
    re.compile(r"^[ \t]*:{3,}[^\n]*$", re.M),  # colon-fence directive lines
    re.compile(r"^[ \t]*:[\w-]+:.*$", re.M),  # directive options
    re.compile(r"^\([^)\n]+\)=[ \t]*$", re.M),  # labels
    re.compile(r"<!--.*?-->", re.S),  # comments
    re.compile(r"`[^`\n]*`"),  # inline code (roles are handled first)
]


@dataclass
class Use:
    entry: str  # the entry's key (first name)
    where: str
    start: int
    linked: bool
    context: str


def _alias_pattern(entries: list[Entry]) -> list[tuple[re.Pattern, str]]:
    pats = []
    for entry in entries:
        for name in entry.names:
            pats.append(
                (re.compile(rf"(?<![\w-]){re.escape(name)}(?:s|es)?(?![\w-])", re.I), entry.key)
            )
    return pats


def _resolve(target: str, entries: list[Entry]) -> str | None:
    wanted = _norm(target)
    for entry in entries:
        if any(_norm(n) == wanted for n in entry.names):
            return entry.key
    return None


def uses_in(
    path: Path, entries: list[Entry], root: Path = ROOT
) -> tuple[list[Use], list[str]]:
    """Every use of a glossary term in the file's prose, in reading order; plus unknown targets."""
    patterns = _alias_pattern(entries)
    uses: list[Use] = []
    unknown: list[str] = []
    for offset, (where, text) in enumerate(markdown_blocks(path, root)):
        base = offset * 10**7
        masked = list(text)

        def blank(start: int, end: int, masked=masked) -> None:
            masked[start:end] = " " * (end - start)

        for m in _TERM_ROLE.finditer(text):
            body = m.group(1)
            target = re.search(r"<([^<>]+)>\s*$", body)
            target = target.group(1) if target else body
            key = _resolve(target, entries)
            if key is None:
                unknown.append(f"{where}: {{term}}`{body}` names no glossary entry")
            else:
                uses.append(Use(key, where, base + m.start(), True, m.group(0)))
            blank(m.start(), m.end())
        for m in _MD_LINK.finditer("".join(masked)):
            anchor = re.search(r"glossary(?:\.html|\.md)?#term-(.+)$", m.group(2))
            if anchor:
                key = _resolve(anchor.group(1), entries)
                if key is None:
                    unknown.append(f"{where}: link {m.group(2)} names no glossary entry")
                else:
                    uses.append(Use(key, where, base + m.start(), True, m.group(0)))
                blank(m.start(), m.end())
            else:
                blank(m.start(2) - 1, m.end())  # keep the link text, drop the target
        for m in _OTHER_ROLE.finditer("".join(masked)):
            blank(m.start(), m.end())
        for pat in _NOT_PROSE:
            for m in pat.finditer("".join(masked)):
                blank(m.start(), m.end())
        prose = "".join(masked)
        found = []
        for pat, key in patterns:
            for m in pat.finditer(prose):
                found.append((m.start(), m.end(), key))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        taken_until = -1
        for start, end, key in found:
            if start < taken_until:
                continue  # inside a longer term already counted
            taken_until = end
            context = " ".join(text[max(0, start - 40): end + 40].split())
            uses.append(Use(key, where, base + start, False, context))
    uses.sort(key=lambda u: u.start)
    return uses, unknown


# ---------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_glossary()


def test_glossary_parses_with_definitions(entries):
    assert len(entries) >= len(REQUIRED_TERMS) - 5, "the glossary has suspiciously few entries"
    empty = [e.key for e in entries if len(e.definition.split()) < 5]
    assert not empty, f"glossary entries without a real definition: {empty}"
    names = [_norm(n) for e in entries for n in e.names]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"glossary names defined twice: {dupes}"


def test_glossary_defines_required_terms(entries):
    defined = {_norm(n) for e in entries for n in e.names}
    missing = [t for t in REQUIRED_TERMS if _norm(t) not in defined]
    assert not missing, f"book/glossary.md does not define: {missing}"


def test_parser_finds_first_unlinked_use(tmp_path, entries):
    """The scanner itself: a linked first use passes, an unlinked one, masked text ignored."""
    page = tmp_path / "book" / "x.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "# T-score heading\n\nThe {term}`T-scores <T-score>` here; a T-score again.\n"
        "A `DXA` in code, {cite:p}`kovacs2015`, then DXA unlinked.\n"
        "Transient osteoporosis of the hip is one term.\n",
        encoding="utf-8",
    )
    uses, unknown = uses_in(page, entries, root=tmp_path)
    first = {}
    for use in uses:
        first.setdefault(use.entry, use)
    assert first["T-score"].linked is True
    assert first["DXA"].linked is False and "then DXA unlinked" in first["DXA"].context
    assert "osteoporosis" not in first, "a shorter term inside a longer one was counted"
    assert "transient osteoporosis of the hip" in first
    assert unknown == []


def test_source_lists_are_not_empty():
    """The per-file checks below would pass vacuously if the globs found nothing."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, f"no notebooks found under {ROOT / 'notebooks'}"
    assert (ROOT / "book" / "teaching" / "facilitator-guide.md") in linked_sources()
    assert set(notebooks) <= set(linked_sources()) <= set(chapter_sources())
    assert (ROOT / "book" / "intro.md") in chapter_sources()


def test_every_glossary_term_is_used_in_the_book(entries):
    used: set[str] = set()
    for path in chapter_sources():
        uses, _ = uses_in(path, entries)
        used |= {u.entry for u in uses}
    unused = [e.key for e in entries if e.key not in used]
    assert not unused, (
        "glossary terms never used in the chapters (notebook markdown cells and book/*.md): "
        f"{unused}"
    )


@pytest.mark.parametrize(
    "path", linked_sources(), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_first_use_links_to_glossary(path, entries):
    uses, unknown = uses_in(path, entries)
    first: dict[str, Use] = {}
    for use in uses:
        first.setdefault(use.entry, use)
    unlinked = [u for u in first.values() if not u.linked]
    problems = [
        f"  - '{u.entry}': first use in {u.where} is not linked (write {{term}}`{u.entry}`): "
        f"...{u.context}..."
        for u in sorted(unlinked, key=lambda u: u.start)
    ]
    problems += [f"  - {msg}" for msg in unknown]
    rel = path.relative_to(ROOT).as_posix()
    assert not problems, (
        f"{rel}: {len(unlinked)} glossary term(s) whose first use does not link to the "
        f"glossary, {len(unknown)} link(s) to unknown terms:\n" + "\n".join(problems)
    )
