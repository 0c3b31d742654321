"""Tests for plro.recompute: the registry of rules that select what each claim is about.

What each rule finds in the real tables is checked in tests/test_audit.py (against an
independent recomputation with the csv and statistics modules); here: the registry's
contract, its error messages, and rules on small synthetic tables.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from plro import recompute
from plro.audit import audit_table
from plro.data import VISIT_ORDER, VISITS
from plro.paper import reported_statistics


def claims_frame(*rows):
    return pd.DataFrame(rows, columns=["claim_id", "derivable", "recompute"])


def test_every_derivable_claim_names_an_existing_rule_and_every_rule_is_used():
    claims = reported_statistics()
    recompute.check_claims(claims)  # raises on a problem
    used = set(claims.loc[claims["derivable"] == "yes", "recompute"].astype(str))
    assert used == recompute.RULE_NAMES


@pytest.mark.parametrize(("row", "message"), [
    (("cs_x", "yes", "no_such_rule"), r"line 2, claim 'cs_x': recompute rule 'no_such_rule' does not exist"),
    (("cs_y", "yes", pd.NA), r"line 2, claim 'cs_y': derivable == 'yes' but no recompute rule"),
    (("cs_z", "no", "smokers"), r"line 2, claim 'cs_z': names recompute rule 'smokers' but derivable"),
])
def test_check_claims_names_the_claim_and_the_rule(row, message):
    with pytest.raises(recompute.RuleError, match=message):
        recompute.check_claims(claims_frame(row))


def test_check_claims_reports_every_problem_with_its_line():
    bad = claims_frame(("a", "yes", "smokers"), ("b", "yes", "nope"), ("c", "yes", "nada"))
    with pytest.raises(recompute.RuleError) as error:
        recompute.check_claims(bad)
    assert "line 3, claim 'b'" in str(error.value) and "line 4, claim 'c'" in str(error.value)


def test_the_audit_refuses_a_claim_with_an_unknown_rule():
    claims = reported_statistics()
    derivable = claims.index[claims["derivable"] == "yes"][0]
    claims.loc[derivable, "recompute"] = "renamed_rule"
    with pytest.raises(recompute.RuleError, match="renamed_rule"):
        audit_table(claims=claims)


def test_rule_lookup_names_the_claim():
    assert recompute.rule("smokers") is recompute.RULES["smokers"]
    with pytest.raises(recompute.RuleError, match="claim 'cs_q' names recompute rule 'nope'"):
        recompute.rule("nope", "cs_q")


# ------------------------------------------------------------ rules on synthetic tables
def tiny_tables():
    patients = pd.DataFrame({
        "patient_id": pd.array([1, 2, 3], dtype="Int64"),
        "age_years": pd.array([20, 30, 31], dtype="Int64"),
        "smoking": pd.array([True, False, True], dtype="boolean"),
        "symptoms": pd.array(["Back and low back pain", "Low back pain", "Hip and ankle pain"],
                             dtype="string"),
    })
    months = list(VISITS.items())
    pain = {1: [8, 3, 2, 1], 2: [5, 5, 4, 0], 3: [6, 7, 1, None]}  # VAS at each visit
    visits = pd.DataFrame(
        [(pid, label, month, vas) for pid, scores in pain.items()
         for (label, month), vas in zip(months, scores, strict=True)],
        columns=["patient_id", "visit", "month", "vas"],
    ).astype({"vas": "Float64"})
    return {"patients": patients, "visits": visits}


def test_count_rule_counts_and_names_patients():
    found = recompute.rule("smokers")(tiny_tables())
    assert (found.statistic, found.values, found.patient_ids) == ("value", (Decimal(2),), (1, 3))


def test_mean_rule_selects_one_value_per_patient():
    found = recompute.rule("age_mean")(tiny_tables())
    assert found.statistic == "mean" and found.patient_ids == (1, 2, 3)
    assert found.values == (Decimal(20), Decimal(30), Decimal(31))


def test_symptom_rules_read_body_regions():
    t = tiny_tables()
    percent = recompute.rule("symptom_any_low_back_pain_percent")(t)
    assert (percent.statistic, percent.values, percent.n, percent.patient_ids) == (
        "percent", (Decimal(2),), 3, (1, 2))
    only = recompute.rule("symptom_low_back_pain_only_count")(t)
    assert only.patient_ids == (2,)


def test_relief_rule_compares_the_first_follow_up_with_baseline():
    assert recompute.rule("relief_month_1")(tiny_tables()).patient_ids == (1,)


def test_every_patient_at_a_visit_gives_its_month_or_no_value():
    t = tiny_tables()
    last = VISIT_ORDER[-1]
    first = recompute.rule(f"visit_{VISIT_ORDER[1]}_all")(t)
    assert first.values == (Decimal(VISITS[VISIT_ORDER[1]]),)
    assert recompute.rule(f"visit_{last}_all")(t).values == ()  # patient 3 has no VAS there
