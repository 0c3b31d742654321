"""Presenting symptoms: Table I's printed symptom text as tidy, countable data.

Table I gives each patient's symptoms as a short phrase ("Back and low back
pain", "Hip and ankle pain, difficulty in walking"). :func:`parse_symptom_regions`
reads the body regions out of one phrase, refusing to guess when it names
none; :func:`symptom_regions` and :func:`symptom_pattern` apply it to the cohort.

Typical use::

    from plro.data import load_patients
    from plro.symptoms import symptom_pattern
    symptom_pattern(load_patients()).value_counts()
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "REGIONS",
    "SPINAL_REGIONS",
    "parse_symptom_regions",
    "symptom_regions",
    "symptom_pattern",
    "region_grid",
    "spinal_patients",
]

REGIONS = ("back", "low back", "hip", "ankle", "inguinal")
"""Body regions named in Table I's symptom text, from the top of the body down."""

SPINAL_REGIONS = ("back", "low back")
"""The regions that count as spinal pain."""

_PATTERN_ORDER = ("back", "hip", "low back", "ankle", "inguinal")
# Order of regions inside a pattern label, chosen to read like the paper's
# wording ("back and low back pain", "hip and low back pain", "hip and ankle pain").


def parse_symptom_regions(text: str) -> list[str]:
    """The body regions named in one Table I symptom cell, in :data:`REGIONS` order.

    "Back" counts only when it is not part of "low back": "Back and low back
    pain" names both, "Low back pain" names only the low back. Raises
    ``ValueError`` when the text names none of the known regions, rather than
    guessing.
    """
    if text is None or pd.isna(text):
        raise ValueError("cannot read body regions from a missing symptom text")
    lower = str(text).lower()
    found = set()
    if re.search(r"\blow back\b", lower):
        found.add("low back")
    if re.search(r"\bback\b", re.sub(r"\blow back\b", " ", lower)):
        found.add("back")
    for region in ("hip", "ankle", "inguinal"):
        if re.search(rf"\b{region}\b", lower):
            found.add(region)
    if not found:
        raise ValueError(f"no known body region ({', '.join(REGIONS)}) in symptom text {text!r}")
    return [r for r in REGIONS if r in found]


def symptom_regions(patients: pd.DataFrame) -> pd.DataFrame:
    """Tidy patient x region table: one row per patient per region in :data:`REGIONS`.

    Columns: ``patient_id``, ``region`` (ordered categorical, :data:`REGIONS`
    order) and ``present`` (``True`` when Table I's symptom text names the region).
    """
    rows = [
        {"patient_id": int(pid), "region": region, "present": region in parse_symptom_regions(text)}
        for pid, text in zip(patients["patient_id"], patients["symptoms"], strict=True)
        for region in REGIONS
    ]
    tidy = pd.DataFrame(rows)
    return tidy.assign(region=pd.Categorical(tidy["region"], categories=list(REGIONS), ordered=True))


def region_grid(patients: pd.DataFrame) -> pd.DataFrame:
    """Patients x regions, ``True`` where Table I's symptom text names the region.

    Index ``patient_id`` (in the order of ``patients``), columns :data:`REGIONS`.
    """
    grid = symptom_regions(patients).pivot(index="patient_id", columns="region", values="present")
    order = [int(p) for p in patients["patient_id"]]
    return grid.reindex(index=order, columns=list(REGIONS)).astype(bool)


def spinal_patients(patients: pd.DataFrame) -> pd.Series:
    """Boolean Series aligned with ``patients``: does the symptom text name back or low back pain?"""
    grid = region_grid(patients)
    spinal = grid[list(SPINAL_REGIONS)].any(axis=1)
    return pd.Series(spinal.to_numpy(), index=patients.index, name="spinal")


def symptom_pattern(patients: pd.DataFrame) -> pd.Series:
    """The presenting symptom pattern of each patient, e.g. "Back + low back" or "Low back only".

    Returned as a string Series aligned with ``patients`` and named ``symptom_pattern``.
    """
    labels = []
    for text in patients["symptoms"]:
        regions = sorted(parse_symptom_regions(text), key=_PATTERN_ORDER.index)
        label = " + ".join(regions) if len(regions) > 1 else f"{regions[0]} only"
        labels.append(label[0].upper() + label[1:])
    return pd.Series(labels, index=patients.index, name="symptom_pattern", dtype="string")
