"""No name, id or message text leaves the extractor; the example exports give the facts computed by hand."""
import csv
import json
import os

import pytest
import yaml

from shequn.facts.exports import detect_format, extract_facts

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "facts", "examples", "exports")


def ex(name):
    return os.path.join(EXAMPLES, name)


def personal_strings():
    """Every name, id and message text in the example exports (4 characters or more)."""
    out = set()
    with open(ex("wechat_group.csv"), encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            out.update([row["StrContent"], row["NickName"], row["Sender"], row["TalkerId"], row["Remark"]])
            for part in row["StrContent"].replace('"', " ").split():
                out.add(part)
    for fn in ("telegram_result.json", "discord_channel.json"):
        doc = json.load(open(ex(fn), encoding="utf-8"))
        for m in doc["messages"]:
            for k in ("from", "from_id", "actor", "actor_id", "content", "id"):
                if m.get(k):
                    out.add(str(m[k]))
            for who in [m.get("author") or {}] + list(m.get("mentions") or []):
                for k in ("id", "name", "nickname"):
                    if who.get(k):
                        out.add(str(who[k]))
            t = m.get("text")
            if isinstance(t, str):
                out.add(t)
            elif isinstance(t, list):
                out.update(p if isinstance(p, str) else p.get("text", "") for p in t)
            out.update(m.get("members") or [])
    return {s.strip() for s in out if s and len(s.strip()) >= 4}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_no_names_ids_or_text_in_output(run_extract, fmt):
    strings = personal_strings()
    assert len(strings) > 50
    for f, extra in (("wechat_group.csv", ["--staff", "晨曦-社群助理,秘密管理员甲"]),
                     ("telegram_result.json", ["--staff", "Mira Okafor", "--staff", "user5550101"]),
                     ("discord_channel.json", ["--staff-role", "Moderator", "--staff", "秘密管理员乙"])):
        res = run_extract(ex(f), "--format", fmt, *extra)
        assert res.exit_code == 0, res.output
        out = res.stdout + res.stderr
        leaked = sorted(s for s in strings | {"秘密管理员甲", "秘密管理员乙", "Mira Okafor", "user5550101"}
                        if s in out)
        assert leaked == []


def test_detect_format_from_content_not_name(tmp_path):
    for src, fmt in (("wechat_group.csv", "wechat_csv"), ("telegram_result.json", "telegram_json"),
                     ("discord_channel.json", "discord_json"), ("wecom_statistics.json", "wecom_stats")):
        p = tmp_path / ("misleading_" + fmt + ".txt")
        p.write_bytes(open(ex(src), "rb").read())
        assert detect_format(str(p)) == fmt


def test_generator_is_deterministic(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("generate", ex("generate.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.main(str(tmp_path))
    for name in gen.FILES:
        assert (tmp_path / name).read_bytes() == open(ex(name), "rb").read(), name


# The facts the examples must give. Computed by hand from the generator's events and checked against
# the provenance counts (which give the numerators and denominators): see docs/exports.md.
EXPECTED = {
    "telegram_result.json": (["--staff", "Mira Okafor"], {
        "community": {"name": "Open Robotics Study Group", "platform": "telegram", "groups": 1},
        "retention": {"leaves_per_month": 2},
        "traffic": {"referral_share": 0.0},
    }),
    "wecom_statistics.json": ([], {
        "community": {"name": "wecom_statistics", "platform": "wecom", "groups": 4},
    }),
}


def test_examples_facts_match_their_counts(run_extract):
    for f, extra in (("telegram_result.json", ["--staff", "Mira Okafor"]),
                     ("discord_channel.json", ["--staff-role", "Moderator"]),
                     ("wechat_group.csv", ["--staff", "晨曦-社群助理"])):
        doc = yaml.safe_load(run_extract(ex(f), *extra).stdout)
        c, p = doc["provenance"]["counts"], doc["provenance"]
        days = p["window"]["days"]
        e = doc["engagement"]
        assert e["messages_per_day"] == round(c["human_messages"] / days, 4)
        assert e["official_voice_share"] == round(c["staff_messages"] / c["human_messages"], 4)
        assert c["staff_messages"] + c["member_messages"] == c["human_messages"]
        assert c["answered_questions"] + c["unanswered_questions"] == c["questions"]
        for k, v in EXPECTED.get(f, ([], {}))[1].items():
            for kk, vv in v.items():
                assert doc[k][kk] == vv, (f, k, kk)


def test_telegram_example_hand_checked(run_extract):
    # the generator's Telegram events in the last 30 days: the kick and the leave (2 people, remove_members);
    # one join (the self-invitation at day 44 of 60): no referral
    doc = yaml.safe_load(run_extract(ex("telegram_result.json"), "--staff", "Mira Okafor").stdout)
    assert doc["retention"]["leaves_per_month"] == 2
    assert doc["traffic"]["referral_share"] == 0.0
    assert doc["provenance"]["counts"]["joins_in_window"] == 1


def test_wecom_example_hand_checked():
    doc = json.load(open(ex("wecom_statistics.json")))
    items = doc["items"]
    last30 = items[-30:]
    facts, _ = extract_facts([ex("wecom_statistics.json")])
    assert facts["size"]["members"] == items[-1]["data"]["member_total"]
    assert facts["community"]["groups"] == items[-1]["data"]["chat_total"] == 4
    assert facts["engagement"]["messages_per_day"] == round(sum(i["data"]["msg_total"] for i in last30) / 30, 4)
    leaves = sum(i["data"]["new_member_cnt"] for i in last30[1:]) - (
        last30[-1]["data"]["member_total"] - last30[0]["data"]["member_total"])
    assert facts["retention"]["leaves_per_month"] == max(0, leaves)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_output_is_a_facts_file_the_loader_accepts(run_extract, tmp_path, fmt):
    loader = pytest.importorskip("shequn.facts.loader")
    for f in ("wechat_group.csv", "telegram_result.json", "discord_channel.json", "wecom_statistics.json"):
        out = tmp_path / f"{f}.{fmt}"
        res = run_extract(ex(f), "--staff", "Mira Okafor,晨曦-社群助理", "--staff-role", "Moderator",
                          "--format", fmt, "-o", out)
        assert res.exit_code == 0, res.output
        loader.load_facts(str(out))
