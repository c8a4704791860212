"""Hostile exports: bounded while streaming, and every bad value gets a located message."""
import json

import pytest

from shequn.facts.exports import ExportError, extract_facts
from shequn.facts.exports.bounds import MAX_DEPTH, MAX_ITEM_BYTES

A = 1711843200            # 2024-03-31T00:00:00Z
D = 86400


def _builders():
    """The export builders of this folder's conftest (tests import by path, not as a package)."""
    import importlib.util
    import os
    spec = importlib.util.spec_from_file_location("_export_builders", os.path.join(os.path.dirname(__file__), "conftest.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_b = _builders()
tg_msg, tg_service, dc_msg, dc_user = _b.tg_msg, _b.tg_service, _b.dc_msg, _b.dc_user


def assert_bad(res, *needles):
    """Exit 2, one line on stderr that names every needle, no traceback, no internal error."""
    assert res.exit_code == 2, (res.exit_code, res.output)
    err = res.stderr
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in res.output and "internal error" not in err
    for n in needles:
        assert n in err, (n, err)


def _tg_file(tmp_path, body_of_last: str, n: int = 50) -> str:
    """A Telegram export of ``n`` good messages, then one written as raw JSON text."""
    good = [json.dumps(tg_msg(i + 1, A - D + i, "user1", "甲", "hi")) for i in range(n)]
    p = tmp_path / "result.json"
    p.write_text('{"name": "g", "type": "private_supergroup", "id": 1, "messages": [' +
                 ",".join(good + [body_of_last]) + "]}", encoding="utf-8")
    return str(p)


# --------------------------------------------------------------------------- bounds while streaming

def test_deep_nesting_inside_a_message_is_refused_with_its_place(tmp_path):
    deep = '{"id": 51, "type": "message", "date_unixtime": "%d", "text": %s}' % (A, "[" * 10000 + "]" * 10000)
    with pytest.raises(ExportError) as exc:
        extract_facts(_tg_file(tmp_path, deep))
    msg = str(exc.value)
    assert "result.json: message 51" in msg and "after message 50" in msg
    assert f"nested more than {MAX_DEPTH} levels" in msg


def test_deep_nesting_that_hides_in_strings_is_still_counted(tmp_path):
    # closing brackets inside strings do not close anything: the real depth still grows
    deep = '{"id": 51, "text": %s}' % ('[ "]", ' * 200 + "1" + "]" * 200)
    with pytest.raises(ExportError, match="nested more than"):
        extract_facts(_tg_file(tmp_path, deep))


def test_brackets_quotes_and_backslashes_in_texts_are_no_nesting(tmp_path, write_tg):
    texts = ["[" * 500, "{" * 300 + '\\"' * 10, 'ends in a backslash \\', '"quoted" [x] {y}', "\\\\[[[[" * 50]
    msgs = [tg_msg(i + 1, A - D + i, "user1", "甲", t) for i, t in enumerate(texts)]
    facts, prov = extract_facts(write_tg(msgs))
    assert prov["sources"][0]["messages"] == len(texts)


def test_one_huge_message_is_refused_with_its_place(tmp_path):
    huge = '{"id": 51, "type": "message", "date_unixtime": "%d", "text": "%s"}' % (A, "a" * (3 * MAX_ITEM_BYTES))
    with pytest.raises(ExportError) as exc:
        extract_facts(_tg_file(tmp_path, huge))
    assert "result.json: message 51" in str(exc.value) and f"more than {MAX_ITEM_BYTES:,} bytes" in str(exc.value)


def test_one_huge_discord_message_of_many_small_values_is_refused(tmp_path, write_dc):
    p = write_dc([dc_msg(1, "2024-03-30T00:00:00+00:00", dc_user(1, "a"), "hi")])
    text = open(p, encoding="utf-8").read()
    many = ",".join(["{}"] * (MAX_ITEM_BYTES // 2))
    text = text.replace('"attachments": []', '"attachments": [%s]' % many, 1)
    open(p, "w", encoding="utf-8").write(text)
    with pytest.raises(ExportError, match=r"channel\.json: message 1: more than"):
        extract_facts(p)


def test_a_huge_value_before_the_messages_is_refused(tmp_path):
    p = tmp_path / "result.json"
    p.write_text('{"type": "private_supergroup", "name": "%s", "messages": []}' % ("n" * (3 * MAX_ITEM_BYTES)))
    with pytest.raises(ExportError, match='the part before "messages": more than'):
        extract_facts(str(p))


def test_huge_csv_row_is_refused_with_its_place(write_wx):
    p = write_wx([(1, 1, 0, 0, A, "hi", "甲", "w1"), (2, 1, 0, 0, A, "x" * (3 * MAX_ITEM_BYTES), "乙", "w2")])
    with pytest.raises(ExportError, match=r"group\.csv: .*row 2"):
        extract_facts(p)


def test_huge_wecom_item_is_refused(tmp_path):
    p = tmp_path / "wecom.json"
    p.write_text('{"errcode": 0, "items": [{"stat_time": %d, "data": {"x": "%s"}}]}' % (A, "a" * (3 << 20)))
    with pytest.raises(ExportError, match=r"wecom\.json: item 1: more than"):
        extract_facts(str(p))


# --------------------------------------------------------------------------- times: refused with their place

@pytest.mark.parametrize("value", ["inf", "1e20", "-1e14", "nan", "-inf", "99999999999999999999999999"])
def test_csv_create_time_out_of_range(run_extract, write_wx, value):
    p = write_wx([(1, 1, 0, 0, A, "ok", "甲", "w1"), (41, 1, 0, 0, value, "hi", "乙", "w2")])
    assert_bad(run_extract(p), "group.csv", "row 3", "localId 41", "CreateTime", "1970-01-01 to 9999-12-31")


@pytest.mark.parametrize("value", ["100000000000000", 1e14, -5, "nan", "inf", 1e300, "x", [1], {"a": 1}])
def test_telegram_date_unixtime_out_of_range(run_extract, write_tg, value):
    m = tg_msg(77, A, "user1", "x", "hi")
    m["date_unixtime"] = value
    path = write_tg([tg_msg(1, A, "user1", "x", "ok"), m])
    assert_bad(run_extract(path), "result.json", "message 2 (message id 77)", "date_unixtime", "expected")


@pytest.mark.parametrize("stamp", ["0000-01-01T00:00:00+00:00", "10000-01-01T00:00:00+00:00",
                                   "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00", 12, None])
def test_discord_timestamp_out_of_range(run_extract, write_dc, stamp):
    m = dc_msg(555, stamp, dc_user(1, "a"), "hi")
    assert_bad(run_extract(write_dc([m])), "channel.json", "message 1 (message id 555)", "timestamp", "expected")


@pytest.mark.parametrize("stat_time", [1e20, "inf", -1, "soon", None])
def test_wecom_stat_time_out_of_range(run_extract, write_wecom, stat_time):
    p = write_wecom([(A, {"member_total": 1}), (stat_time, {"member_total": 2})])
    assert_bad(run_extract(p), "wecom.json", "item 2", "stat_time", "expected")


@pytest.mark.parametrize("count", [1e300, -3, 2.5, "many", [1]])
def test_wecom_counts_must_be_whole_numbers(run_extract, write_wecom, count):
    p = write_wecom([(A, {"member_total": count})])
    assert_bad(run_extract(p), "wecom.json", "item 1", "data.member_total", "a whole number")


@pytest.mark.parametrize("args,needle", [(["--days", "inf"], "--days"), (["--days", "nan"], "--days"),
                                         (["--days", "1e9"], "--days"),
                                         (["--as-of", "0001-01-01"], "--as-of must be between 1970-01-01"),
                                         (["--as-of", "9999-12-31T23:59:59-14:00"], "--as-of must be between")])
def test_out_of_range_options(run_extract, write_tg, args, needle):
    path = write_tg([tg_msg(1, A, "user1", "x", "ok")])
    assert_bad(run_extract(path, *args), needle)


# --------------------------------------------------------------------------- wrong shapes: ignored and counted

def _notes(res):
    return [line for line in res.stderr.splitlines() if line.startswith("note: channel.json")]


def test_discord_author_that_is_not_an_object(run_extract, write_dc):
    msgs = [dc_msg(1, "2024-03-30T00:00:00+00:00", dc_user(1, "a"), "hi"),
            dc_msg(2, "2024-03-30T01:00:00+00:00", "Author Secret Name", "hi"),
            dc_msg(3, "2024-03-30T02:00:00+00:00", ["x"], "hi")]
    res = run_extract(write_dc(msgs))
    assert res.exit_code == 0, res.output
    assert _notes(res) == ["note: channel.json: author is not an object: the sender is unknown in 2 messages "
                           "(first: message 2 (message id 2))"]
    assert "Secret" not in res.stdout + res.stderr


def test_discord_mentions_that_are_not_a_list(run_extract, write_dc):
    m = dc_msg(9, "2024-03-30T00:00:00+00:00", dc_user(1, "a"), "hi")
    m["mentions"] = 5
    res = run_extract(write_dc([m]))
    assert res.exit_code == 0, res.output
    assert "mentions is not a list: ignored in 1 message (first: message 1 (message id 9))" in res.stderr


def test_telegram_text_entities_and_members_of_the_wrong_shape(run_extract, write_tg):
    m = tg_msg(5, A, "user1", "x", "hi")
    m["text_entities"] = 5
    s = tg_service(6, A, "user2", "y", "invite_members", members=[{}])
    s2 = tg_service(7, A, "user2", "y", "remove_members", members="Secret Member")
    res = run_extract(write_tg([m, s, s2]))
    assert res.exit_code == 0, res.output
    err = res.stderr
    assert "text_entities is not a list: ignored in 1 message (first: message 1 (message id 5))" in err
    assert "members holds something other than a name: ignored in 1 message (first: message 2 (message id 6))" in err
    assert "members is not a list of names: ignored in 1 message (first: message 3 (message id 7))" in err
    assert "Secret" not in res.stdout + err


def test_telegram_mention_name_whose_user_id_is_not_a_number(run_extract, write_tg):
    text = [{"type": "mention_name", "text": "Hidden Person", "user_id": "SecretUserId4242"}, " hi"]
    m = tg_msg(5, A, "user1", "x", text)
    res = run_extract(write_tg([m]))
    assert res.exit_code == 0, res.output
    out = res.stdout + res.stderr
    assert "SecretUserId4242" not in out and "Hidden Person" not in out and "invalid JSON" not in out
    assert "text_entities.user_id is not a whole number: that mention is ignored in 1 message" in out


def test_a_message_that_is_not_an_object_is_skipped_and_counted(tmp_path):
    p = _tg_file(tmp_path, '"just a string"', n=3)
    facts, prov = extract_facts(p)
    assert prov["sources"][0]["messages"] == 3
    assert prov["notes"][0] == "result.json: the message is not an object: skipped in 1 message (first: message 4)"


def test_invalid_json_names_the_place_and_no_text(tmp_path):
    p = _tg_file(tmp_path, '{"id": 51, "text": "Secret Text" Secret}', n=3)
    with pytest.raises(ExportError) as exc:
        extract_facts(p)
    assert "result.json: invalid JSON (after message 3 (message id 3))" in str(exc.value)
    assert "Secret" not in str(exc.value)


# --------------------------------------------------------------------------- --ad-pattern has a time budget

def test_nested_repeat_pattern_finishes(run_extract, write_tg):
    path = write_tg([tg_msg(1, A, "user1", "x", "a" * 41 + "!"), tg_msg(2, A, "user2", "y", "a" * 41)])
    res = run_extract(path, "--ad-pattern", "(a+)+$")
    assert res.exit_code == 0, res.output
    assert "ads" in res.stdout


def test_a_pattern_past_its_budget_stops_the_run_and_names_pattern_and_message(run_extract, write_tg):
    secret = "x" * 3000 + "SecretTail"
    path = write_tg([tg_msg(1, A, "user1", "x", "fine"), tg_msg(42, A, "user2", "y", secret)])
    res = run_extract(path, "--ad-pattern", "fine", "--ad-pattern", "(x+x+)+y")
    assert_bad(res, "result.json", "message 2 (message id 42)", "--ad-pattern number 2", "took more than")
    assert "SecretTail" not in res.stderr


def test_csv_pattern_past_its_budget(run_extract, write_wx):
    p = write_wx([(7, 1, 0, 0, A, "x" * 3000, "甲", "w1")])
    assert_bad(run_extract(p, "--ad-pattern", "(x+x+)+y"), "group.csv", "row 2 (localId 7)", "--ad-pattern number 1")


# --------------------------------------------------------------------------- --staff-file is bounded

def test_staff_file_that_is_a_device_or_a_pipe_is_refused(run_extract, write_tg, tmp_path):
    import os
    path = write_tg([tg_msg(1, A, "user1", "x", "hi")])
    assert_bad(run_extract(path, "--staff-file", "/dev/zero"), "staff file", "device")
    fifo = tmp_path / "staff.fifo"
    os.mkfifo(fifo)
    assert_bad(run_extract(path, "--staff-file", fifo), "staff file", "named pipe")


def test_staff_file_too_large_is_refused(run_extract, write_tg, tmp_path):
    from shequn.facts.exports.options import MAX_STAFF_FILE_BYTES
    path = write_tg([tg_msg(1, A, "user1", "x", "hi")])
    big = tmp_path / "staff.txt"
    big.write_text("Some Name\n" * (MAX_STAFF_FILE_BYTES // 10 + 1))
    assert_bad(run_extract(path, "--staff-file", big), "staff.txt", "too large")


def test_check_says_which_values_of_an_export_it_skipped(write_dc):
    from click.testing import CliRunner

    from shequn.cli.main import cli
    m = dc_msg(9, "2024-03-30T00:00:00+00:00", dc_user(1, "a"), "hi")
    m["mentions"] = 5
    res = CliRunner().invoke(cli, ["check", write_dc([m]), "--format", "json"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    assert "note: channel.json: mentions is not a list: ignored in 1 message" in res.stderr
    assert res.stdout.lstrip().startswith("{")


def test_csv_field_and_row_bounds(write_wx, tmp_path):
    field = write_wx([(1, 1, 0, 0, A, "x" * 200_000, "甲", "w1")])
    with pytest.raises(ExportError, match=r"group\.csv: row 2: a field larger than the limit"):
        extract_facts(field)
    # a row of many small quoted fields over several lines: no field is large, the row is
    p = tmp_path / "wide.csv"
    header = ",".join(_b.WX_COLUMNS)
    row = "1,x,1,0,0,%d,2,hi,,,n,w1," % A + ",".join(['"a\nb"'] * 300_000)
    p.write_text(header + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"wide\.csv: the row after row 1: more than 1,048,576 bytes"):
        extract_facts(str(p))
