"""Diagnosing from chat exports with written facts on top, in the library (check --export uses it)."""
from __future__ import annotations

import pathlib

import pytest

from shequn.diagnose.engine import Engine
from shequn.diagnose.measured import Measured, measure, merge_measured
from shequn.facts import FactsError, load_facts
from shequn.facts.exports import ExportError

EXPORTS = pathlib.Path(__file__).resolve().parent.parent / "facts" / "examples" / "exports"
CSV = str(EXPORTS / "wechat_group.csv")
WRITTEN = "community: {name: Mine, platform: wechat, groups: 5}\nsize: {members: 500}\n"


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture()
def facts_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(WRITTEN)
    return path


def test_written_facts_win_and_differences_are_kept(engine, facts_file):
    report = engine.evaluate_with_exports(facts_file, [CSV])
    assert report.community.name == "Mine" and report.community.members == 500
    assert {"fact": "community.groups", "written": 5, "measured": 1} in report.discrepancies
    missing = {m for n in report.not_evaluated for m in n.missing}
    assert "engagement.official_voice_share" not in missing        # measured facts fill the gaps


def test_a_mapping_or_facts_give_the_same_report_as_a_file(engine, facts_file):
    measured = measure([CSV])
    by_file = engine.evaluate_with_exports(facts_file, measured)
    by_facts = engine.evaluate_with_exports(load_facts(facts_file), measured)
    by_dict = engine.evaluate_with_exports({"community": {"name": "Mine", "platform": "wechat", "groups": 5},
                                            "size": {"members": 500}}, measured)
    assert by_facts.model_dump() == by_file.model_dump() == by_dict.model_dump()


def test_the_exports_alone(engine):
    report = engine.evaluate_with_exports(None, [CSV])
    assert report.discrepancies == [] and report.community.platform == "wechat"


def test_measured_once_serves_several_files(facts_file):
    measured = measure(CSV)
    assert isinstance(measured, Measured) and measured.label == CSV
    merged = merge_measured(facts_file, measured)
    assert merged.facts.community.name == "Mine"
    assert merged.facts.provenance == measured.provenance


def test_problems_are_placed_in_the_facts_file(engine, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("community: {name: Mine}\nsize: {member: 500}\n")
    with pytest.raises(FactsError) as info:
        engine.evaluate_with_exports(bad, [CSV])
    assert info.value.messages() == [f"{bad}:2: size.member: unknown fact — did you mean size.members?"]
    with pytest.raises(FactsError, match="top level must be a mapping"):
        merge_measured([1, 2], measure([CSV]))


def test_a_bad_export_raises_export_error(engine, facts_file, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("just,some,columns\n1,2,3\n")
    with pytest.raises(ExportError, match="not a known export"):
        engine.evaluate_with_exports(facts_file, [bad])


def test_evaluate_alone_is_unchanged(engine, facts_file):
    report = engine.evaluate(load_facts(facts_file))
    assert report.discrepancies == [] and report.community.members == 500
