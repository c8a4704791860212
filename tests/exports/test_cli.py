"""`shequn facts extract`: output, bad input (exit 2, one clear message, no traceback), privacy."""
import json
import os
import re

import yaml

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "facts", "examples", "exports")
EXAMPLE = {f: os.path.join(EXAMPLES, f) for f in
           ("wechat_group.csv", "telegram_result.json", "discord_channel.json", "wecom_statistics.json")}


def _stderr(res):
    return res.stderr


def assert_bad(res, *needles):
    assert res.exit_code == 2, (res.exit_code, res.output)
    err = _stderr(res)
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    for n in needles:
        assert n in err, (n, err)


def test_yaml_output_with_provenance(run_extract):
    res = run_extract(EXAMPLE["telegram_result.json"], "--staff", "Mira Okafor")
    assert res.exit_code == 0, res.output
    doc = yaml.safe_load(res.stdout)
    assert doc["community"]["platform"] == "telegram"
    assert doc["provenance"]["sources"][0]["file"] == "telegram_result.json"
    assert re.fullmatch(r"[0-9a-f]{64}", doc["provenance"]["sources"][0]["sha256"])
    assert set(doc["provenance"]["facts"]) >= {"engagement.messages_per_day", "community.name"}


def test_json_output_to_file(run_extract, tmp_path):
    out = tmp_path / "facts.json"
    res = run_extract(EXAMPLE["wechat_group.csv"], "--name", "读书会", "-o", out)
    assert res.exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["community"]["name"] == "读书会" and "provenance" in doc


def test_truncated_json(run_extract, tmp_path):
    data = open(EXAMPLE["telegram_result.json"], "rb").read()
    p = tmp_path / "result.json"
    p.write_bytes(data[: len(data) // 2])
    assert_bad(run_extract(p), "result.json", "truncated")


def test_unknown_json(run_extract, tmp_path):
    p = tmp_path / "other.json"
    p.write_text('{"hello": [1, 2, 3]}')
    assert_bad(run_extract(p), "other.json", "not a known export", "Telegram", "DiscordChatExporter", "WeCom",
               "MemoTrace")


def test_unknown_csv(run_extract, tmp_path):
    p = tmp_path / "sales.csv"
    p.write_text("date,amount\n2024-01-01,3\n")
    assert_bad(run_extract(p), "sales.csv", "not a known export", "expected")


def test_missing_csv_columns(run_extract, tmp_path):
    p = tmp_path / "chat.csv"
    p.write_text("localId,Type,SubType,IsSender,CreateTime,StrContent\n1,1,0,0,1700000000,hi\n")
    assert_bad(run_extract(p), "chat.csv", "missing CSV columns NickName, Sender")


def test_unparseable_csv_timestamp(run_extract, write_wx):
    p = write_wx([(41, 1, 0, 0, "2024-13-45", "hi", "甲", "w1")])
    assert_bad(run_extract(p), "group.csv", "row 2", "localId 41", "CreateTime")


def test_unparseable_telegram_timestamp(run_extract, write_tg, b):
    m = b.tg_msg(77, 0, "user1", "x", "hi")
    m["date_unixtime"] = "soon"
    assert_bad(run_extract(write_tg([m])), "result.json", "message id 77", "timestamp")


def test_unparseable_discord_timestamp(run_extract, write_dc, b):
    m = b.dc_msg(555, "31/03/2024 10:00", b.dc_user(1, "a"), "hi")
    assert_bad(run_extract(write_dc([m])), "channel.json", "message id 555", "timestamp")


def test_binary_garbage(run_extract, tmp_path):
    p = tmp_path / "blob.json"
    p.write_bytes(bytes(range(256)) * 64)
    assert_bad(run_extract(p), "blob.json", "binary")


def test_empty_file(run_extract, tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert_bad(run_extract(p), "empty.csv", "empty")


def test_directory(run_extract, tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    assert_bad(run_extract(d), "exports", "directory")


def test_missing_file(run_extract, tmp_path):
    assert_bad(run_extract(tmp_path / "nope.json"), "nope.json", "no such file")


def test_bad_options(run_extract):
    assert_bad(run_extract(EXAMPLE["telegram_result.json"], "--as-of", "someday"), "--as-of")
    assert_bad(run_extract(EXAMPLE["telegram_result.json"], "--ad-pattern", "("), "--ad-pattern")
    assert_bad(run_extract(EXAMPLE["telegram_result.json"], "--days", "0"), "--days")
    assert_bad(run_extract(EXAMPLE["telegram_result.json"], "--staff-file", "/nonexistent/staff.txt"), "staff.txt")
    assert_bad(run_extract(EXAMPLE["telegram_result.json"], EXAMPLE["wecom_statistics.json"]), "WeCom")


def test_no_messages_in_window_is_not_an_error(run_extract):
    res = run_extract(EXAMPLE["telegram_result.json"], "--as-of", "2020-01-01T00:00:00Z")
    assert res.exit_code == 0
    assert "no messages in the window" in res.stderr
    doc = yaml.safe_load(res.stdout)
    assert "engagement" not in doc and "size" not in doc
    assert doc["community"]["platform"] == "telegram"
    assert "no human messages" in doc["provenance"]["unknown"]["engagement.messages_per_day"]


def test_ad_pattern(run_extract, write_tg, b):
    msgs = [b.tg_msg(1, b.A - 5, "user2", "M", "加我微信 abc123 领取优惠"), b.tg_msg(2, b.A, "user3", "N", "hi")]
    p = write_tg(msgs)
    plain = yaml.safe_load(run_extract(p, "--days", "7").stdout)
    assert plain["ads"]["member_ads_per_week"] == 0.0
    res = run_extract(p, "--days", "7", "--ad-pattern", "加我微信")
    assert yaml.safe_load(res.stdout)["ads"]["member_ads_per_week"] == 1.0


def test_library_accepts_a_single_string(write_tg, b):
    from shequn.facts.exports import extract_facts
    p = write_tg([b.tg_msg(1, b.A, "user1", "Sam", "hello"), b.tg_msg(2, b.A, "user2", "Mei", "hi")])
    facts, prov = extract_facts(p, staff="Sam,nobody", days=7)
    assert facts["engagement"]["official_voice_share"] == 0.5
    assert prov["notes"][0] == "1 of 2 --staff entries matched nobody in the exports (entries 2)"
    assert prov["staff_given"] == {"entries": 2, "roles": 0}


def test_progress_bar_only_on_a_terminal(monkeypatch, capsys):
    import sys
    from shequn.cli import extract as ex
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert ex._progress_factory() is None
