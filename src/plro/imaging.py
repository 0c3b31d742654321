"""Imaging findings: the vertebral levels and other sites the paper names.

``imaging_findings.csv`` lists, per patient, every involved site, fracture level
and vertebroplasty level named in Table I, Table II, the text or a figure
caption. :func:`vertebral_map` lays the spinal findings out on the 17 thoracic
and lumbar levels; :func:`non_spinal_sites` lists the rest.

Typical use::

    from plro.data import load_imaging_findings
    from plro.imaging import vertebral_map
    vertebral_map(load_imaging_findings())
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from plro.data import patient_label

__all__ = ["VERTEBRAL_LEVELS", "vertebral_map", "non_spinal_sites", "implied_spinal_patients"]

VERTEBRAL_LEVELS = [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)]
"""The 17 thoracic and lumbar levels, T1 to L5, in anatomical order."""

_WORDS = {"compression_fracture": "fracture", "vertebroplasty": "vertebroplasty"}


def vertebral_map(imaging: pd.DataFrame, patient_ids: Iterable[int]) -> pd.DataFrame:
    """Patient x vertebral level grid of the spinal findings the paper names.

    Rows are ``patient_ids`` in the order given (pass ``patients["patient_id"]``
    so that every patient gets a row, even with no named level), columns the 17
    levels T1-L5. A cell holds '' (nothing named), 'fracture', 'vertebroplasty'
    or 'fracture + vertebroplasty'. A finding for a patient not in
    ``patient_ids`` raises ``ValueError`` rather than being dropped.
    """
    patient_ids = [int(p) for p in patient_ids]
    spine = imaging[imaging["site"].astype(str).isin(VERTEBRAL_LEVELS)].assign(
        site=lambda d: d["site"].astype(str), finding=lambda d: d["finding"].astype(str)
    )
    grid = pd.DataFrame("", index=pd.Index(patient_ids, name="patient_id"),
                        columns=pd.Index(VERTEBRAL_LEVELS, name="level"))
    unknown = sorted(set(int(p) for p in spine["patient_id"]) - set(patient_ids))
    if unknown:
        raise ValueError(f"spinal findings for patient(s) {unknown}, not in patient_ids")
    for (pid, level), part in spine.groupby(["patient_id", "site"]):
        named = [_WORDS[f] for f in _WORDS if f in set(part["finding"])]
        grid.loc[int(pid), level] = " + ".join(named)
    return grid


def non_spinal_sites(imaging: pd.DataFrame) -> pd.DataFrame:
    """Findings outside the spine, one row per patient and site, both sides on one row."""
    other = imaging[~imaging["site"].astype(str).isin(VERTEBRAL_LEVELS)]
    return (
        other.assign(
            patient=other["patient_id"].map(patient_label),
            site=other["site"].astype(str).str.replace("_", " "),
            side=other["side"].astype(str).str.replace("_", " "),
        )
        .groupby(["patient_id", "patient", "site", "finding_as_printed", "source"], observed=True)
        .agg(side=("side", lambda s: " and ".join(sorted(set(s)))))
        .reset_index()
        .loc[:, ["patient", "site", "side", "finding_as_printed", "source"]]
    )


def implied_spinal_patients(patients: pd.DataFrame, imaging: pd.DataFrame) -> list[int]:
    """Patients the text's "spinal involvement" can mean if each woman had one MRI site.

    Those whose Table I ``symptoms`` mention back pain ("back", any case, so "low back
    pain" counts) and who have no finding outside the spine in ``imaging`` (a woman
    whose MRI finding was at the hip or pelvis is not counted again for the spine).
    A reading of the tables, not a finding the paper reports per patient. Ascending ids.
    """
    back = patients.loc[patients["symptoms"].astype(str).str.contains("back", case=False), "patient_id"]
    outside = imaging.loc[~imaging["site"].astype(str).isin(VERTEBRAL_LEVELS), "patient_id"]
    return sorted({int(p) for p in back} - {int(p) for p in outside})
