"""plro: data, statistics and figures for the PLRO case-series teaching book."""

from plro.data import (
    PLRODataError,
    load_imaging_findings,
    load_lab_flags,
    load_patients,
    load_visits,
)

__all__ = [
    "PLRODataError",
    "load_imaging_findings",
    "load_lab_flags",
    "load_patients",
    "load_visits",
]
__version__ = "1.0.0"
