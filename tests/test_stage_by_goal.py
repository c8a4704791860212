"""The conversion stage reads by the community's goal (rulesets/stages.yaml's description).

A networking or interest community without a product must be able to reach stage 5:
the sales essentials (SM141, ST402) do not speak to it. A selling community without
a product stays at stage 4.
"""
from __future__ import annotations

import pytest

from shequn.diagnose.engine import Engine

EVERYTHING_ELSE_DONE = {
    "size": {"members": 300, "active_members_7d": 120},
    "positioning": {"join_benefits_stated": True},
    "governance": {"group_rules": True},
    "retention": {"retention_30d": 0.6, "layered_management": True, "member_reviews_per_year": 4},
    "culture": {"distinct_culture": True},
    "activities": {"novel_format_share": 0.4, "max_gap_days": 3},
    "conversion": {"has_product": False},
}


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.mark.parametrize("goal", ["expand_network", "gather_interests"])
def test_a_community_without_a_product_reaches_stage_5(engine, goal):
    report = engine.evaluate({"community": {"name": "x", "goal": goal, "type": "interest"}, **EVERYTHING_ELSE_DONE})
    assert report.stage.current == 5 and 4 in report.stage.completed
    assert {"SM141", "ST402"} <= set(report.not_applicable)


def test_a_selling_community_without_a_product_stays_at_stage_4(engine):
    report = engine.evaluate({"community": {"name": "x", "goal": "sell_products", "type": "product"}, **EVERYTHING_ELSE_DONE})
    assert report.stage.current == 4 and "SM141" in report.stage.blockers
