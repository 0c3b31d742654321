"""plro.care: the numbers of the care chapters and case cards, on small synthetic tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from plro.care import (
    LUMBAR_REGION,
    case_facts,
    fractured_levels,
    join_and,
    lab_flag,
    label_list,
    least_significant_change,
    lumbar_dxa_readability,
    patients_where,
    visit_value,
)


@pytest.fixture
def patients():
    return pd.DataFrame({
        "patient_id": [1, 2],
        "age_years": [25, 33],
        "postpartum_week_at_diagnosis": [3, 12],
        "vas_table_i": [8, 6],
        "t_score_l1_l4": [-2.7, -1.1],
        "t_score_l2_l4": [-2.5, float("nan")],
        "t_score_femoral_neck": [-1.9, -0.4],
        "breastfeeding": ["continued", "discontinued"],
    })


@pytest.fixture
def visits():
    rows = []
    for pid, vas, ca in [(1, [8, 5, 2, 0], [8.1, 8.4, None, 9.0]), (2, [6, 6, 4, 3], [9.0] * 4)]:
        for (visit, month), v, c in zip(
            [("baseline", 0), ("month_1", 1), ("month_3", 3), ("month_6", 6)], vas, ca
        ):
            rows.append({"patient_id": pid, "visit": visit, "month": month, "vas": v,
                         "calcium_mg_dl": c if pid == 1 else 9.0, "magnesium_mg_dl": None,
                         "vitamin_d_25oh": 21.5,
                         "alp_u_l": 110.0, "pth_pg_ml": None})
    return pd.DataFrame(rows)


def test_join_and_joins_for_prose():
    assert join_and([]) == "none"
    assert join_and(["T6"]) == "T6"
    assert join_and([3, 3]) == "3 and 3"
    assert join_and(iter(["T6", "T10", "T11"])) == "T6, T10 and T11"


def test_label_list_joins_for_prose():
    assert label_list([]) == "none"
    assert label_list([4]) == "P4"
    assert label_list([8, 10]) == "P8 and P10"
    assert label_list([3, 6, 10]) == "P3, P6 and P10"


def test_patients_where_keeps_order_and_checks_length(patients):
    assert patients_where(patients, patients["breastfeeding"] == "continued") == [1]
    assert patients_where(patients, patients["age_years"] > 0) == [1, 2]
    with pytest.raises(ValueError, match="mask has 1 rows"):
        patients_where(patients, pd.Series([True]))


def test_visit_value_returns_data_value_and_refuses_na(visits):
    assert visit_value(visits, 1, "month_1", "calcium_mg_dl") == 8.4
    assert visit_value(visits, 1, "baseline", "vas") == 8
    assert isinstance(visit_value(visits, 1, "baseline", "vas"), int)
    assert isinstance(visit_value(visits, 2, "baseline", "calcium_mg_dl"), float)
    assert isinstance(visit_value(visits, 1, "baseline", "alp_u_l"), int)
    with pytest.raises(LookupError, match=r"P1, visit 'month_3', column 'calcium_mg_dl'"):
        visit_value(visits, 1, "month_3", "calcium_mg_dl")
    with pytest.raises(KeyError, match="unknown visit"):
        visit_value(visits, 1, "month_2", "vas")
    with pytest.raises(KeyError, match="no column"):
        visit_value(visits, 1, "baseline", "phosphate")
    with pytest.raises(LookupError, match="0 rows"):
        visit_value(visits, 7, "baseline", "vas")


def test_case_facts_names_values_and_omits_missing(patients, visits):
    facts = case_facts(patients, visits, 1)
    assert facts["p1_age"] == 25 and facts["p1_week"] == 3 and facts["p1_t_fn"] == -1.9
    assert facts["p1_vas_baseline"] == 8 and facts["p1_vas_m6"] == 0
    assert facts["p1_ca_m1"] == 8.4 and facts["p1_vitd_m3"] == 21.5 and facts["p1_alp_m6"] == 110
    assert "p1_ca_m3" not in facts  # N/A in the data
    assert not any(k.startswith("p1_pth") or k.startswith("p1_mg") for k in facts)
    other = case_facts(patients, visits, 2)
    assert "p2_t_l2l4" not in other and other["p2_t_l1l4"] == -1.1
    assert isinstance(other["p2_ca_m1"], float) and str(other["p2_ca_m1"]) == "9.0"
    assert isinstance(other["p2_age"], int)
    assert all(k.startswith("p2_") for k in other)
    with pytest.raises(LookupError):
        case_facts(patients, visits, 9)


def test_fractured_levels_in_spinal_order():
    imaging = pd.DataFrame({
        "patient_id": [5, 5, 5, 5, 5, 6],
        "site": ["L4", "T12", "L1", "L1", "T9", "L2"],
        "finding": ["compression_fracture", "compression_fracture", "compression_fracture",
                    "vertebroplasty", "compression_fracture", "compression_fracture"],
    })
    assert fractured_levels(imaging, 5) == ["T9", "T12", "L1", "L4"]
    assert fractured_levels(imaging, 7) == []


def test_lumbar_readability_excludes_fractured_vertebrae():
    three = lumbar_dxa_readability(["T12", "L1", "L2", "L4"])
    assert three.region == LUMBAR_REGION
    assert three.fractured == ("L1", "L2", "L4") and three.remaining == ("L3",)
    assert three.readable is False
    assert lumbar_dxa_readability(["L1", "L2", "L4"], region=("L2", "L3", "L4")).remaining == ("L3",)
    two = lumbar_dxa_readability(["L2", "L3"])
    assert two.remaining == ("L1", "L4") and two.readable is True
    assert lumbar_dxa_readability(["T6"]).readable is True
    with pytest.raises(ValueError, match="not a vertebral level"):
        lumbar_dxa_readability(["femoral_neck"])


def test_least_significant_change_is_about_2_77_times_precision():
    assert least_significant_change(1.0) == pytest.approx(1.959964 * math.sqrt(2), rel=1e-6)
    assert least_significant_change(1.0) == pytest.approx(2.77, abs=0.005)
    assert least_significant_change(0.01) == pytest.approx(0.0277, abs=5e-5)
    assert least_significant_change(1.0, confidence=0.80) == pytest.approx(1.28155 * math.sqrt(2), rel=1e-5)
    for bad in (0, -1, float("nan"), "1"):
        with pytest.raises(ValueError):
            least_significant_change(bad)
    with pytest.raises(ValueError, match="confidence"):
        least_significant_change(1.0, confidence=1.0)


def test_lab_flag_reads_the_arrow_only():
    flags = pd.DataFrame({"patient_id": [3, 3], "visit": ["baseline", "month_1"],
                          "analyte": ["calcium_mg_dl", "calcium_mg_dl"], "flag": ["high", "low"]})
    assert lab_flag(flags, 3, "baseline", "calcium_mg_dl") == "high"
    assert lab_flag(flags, 3, "month_1", "calcium_mg_dl") == "low"
    assert lab_flag(flags, 3, "month_3", "calcium_mg_dl") is None
    assert lab_flag(flags, 4, "baseline", "calcium_mg_dl") is None
    with pytest.raises(KeyError):
        lab_flag(flags, 3, "week_2", "calcium_mg_dl")
    doubled = pd.concat([flags, flags.iloc[[0]]])
    with pytest.raises(LookupError, match="2 flags"):
        lab_flag(doubled, 3, "baseline", "calcium_mg_dl")
