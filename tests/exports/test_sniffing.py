"""Exports are recognised by their real structure, and a facts file always wins."""
import json
import os

import pytest
import yaml
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.exports import ExportError, detect_format

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
EXAMPLE = os.path.join(ROOT, "facts", "examples", "discord-game-server.yaml")


def _facts_json(tmp_path, provenance):
    doc = yaml.safe_load(open(EXAMPLE, encoding="utf-8"))
    doc["provenance"] = provenance
    p = tmp_path / "facts.json"
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(p), doc


@pytest.mark.parametrize("provenance", [
    {"guild": {"id": "1", "name": "x"}, "channel": {"id": "2", "name": "y"}, "messages": []},
    {"note": "measured from date_unixtime", "messages": [{"date_unixtime": "1700000000"}],
     "type": "private_supergroup"},
    {"items": [{"stat_time": 1700000000, "data": {}}], "errcode": 0},
])
def test_a_facts_file_whose_provenance_looks_like_an_export_is_facts(tmp_path, provenance):
    path, doc = _facts_json(tmp_path, provenance)
    with pytest.raises(ExportError, match="not a known export"):
        detect_format(path)
    res = CliRunner().invoke(cli, ["check", path, "--format", "json"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    report = json.loads(res.stdout)
    assert report["community"]["name"] == doc["community"]["name"]


@pytest.mark.parametrize("text,fmt", [
    ('{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": []}', "discord_json"),
    ('{"name": "g", "type": "private_supergroup", "id": 1, "messages": []}', "telegram_json"),
    ('{"messages": [{"id": 1, "date_unixtime": "1700000000"}]}', "telegram_json"),
    ('\ufeff{"errcode": 0, "errmsg": "ok", "items": []}', "wecom_stats"),
    ('{"items": [{"stat_time": 1700000000, "data": {}}]}', "wecom_stats"),
])
def test_exports_by_their_top_level_keys(tmp_path, text, fmt):
    p = tmp_path / "x.json"
    p.write_text(text, encoding="utf-8")
    assert detect_format(str(p)) == fmt


@pytest.mark.parametrize("text", [
    '{"guild": "x", "channel": "y", "messages": []}',              # guild and channel must be objects
    '{"guild": {}, "channel": {}, "messages": 5}',
    '{"name": "date_unixtime", "messages": {"a": 1}}',
    '{"community": {"name": "\\"guild\\" \\"channel\\" date_unixtime"}}',
    '{"items": 3, "errcode": 0}',
    '[{"guild": {}, "channel": {}, "messages": []}]',
])
def test_words_in_the_head_are_not_a_format(tmp_path, text):
    p = tmp_path / "x.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match="not a known export"):
        detect_format(str(p))


def test_a_file_that_is_neither_facts_nor_an_export_is_bad_input(tmp_path):
    p = tmp_path / "group.csv"                    # a damaged header: a control character, not an export
    p.write_bytes(b"\x02ocalId,TalkerId,Type\r\n1,2,3\r\n")
    res = CliRunner().invoke(cli, ["check", str(p)], catch_exceptions=True)
    assert res.exit_code == 2, res.output
    assert "internal error" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
