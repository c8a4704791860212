"""Benchmark of ``shequn facts extract`` (not collected by pytest).

    python tests/benchmarks/bench_extract.py [--messages 1000000] [--formats telegram,wechat,discord]

Writes a synthetic export of N messages per format into a temporary folder
(streamed, so the generator itself stays small), then extracts the facts in a
fresh child process per format and reports messages/s and that process's
peak memory (ru_maxrss: the whole interpreter, modules included). Also says
which ijson backend was used.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

START = 1700000000
TEXTS = ["早上好", "这个方法我试过，效果不错", "有没有推荐的书？", "收到，谢谢", "哈哈哈",
         "see https://example.com/x", "anyone tried the new build?", "同意楼上", "明天几点开始？",
         "【今日打卡】请大家在群里晒出今天的练习成果，坚持就是胜利！"]


def gen_telegram(path: str, n: int, rng: random.Random) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n "name": "Bench Group",\n "type": "private_supergroup",\n "id": 1,\n "messages": [\n')
        t = START
        for i in range(n):
            t += rng.randint(0, 5)
            uid = rng.randint(1, 3000)
            m = {"id": i + 1, "type": "message", "date": "2023-11-14T22:13:20", "date_unixtime": str(t),
                 "from": f"User {uid}", "from_id": f"user{uid}", "text": rng.choice(TEXTS)}
            r = rng.random()
            if r < 0.1 and i:
                m["reply_to_message_id"] = rng.randint(max(1, i - 50), i)
            if r > 0.95:
                m["text"] = [{"type": "mention_name", "text": "X", "user_id": rng.randint(1, 3000)}, " hi"]
                m["text_entities"] = [{"type": "mention_name", "text": "X", "user_id": 5}, {"type": "plain", "text": " hi"}]
            else:
                m["text_entities"] = [{"type": "plain", "text": m["text"]}]
            if i:
                f.write(",\n")
            f.write(json.dumps(m, ensure_ascii=False))
        f.write("\n ]\n}\n")


def gen_discord(path: str, n: int, rng: random.Random) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"guild": {"id": "1", "name": "Bench"}, "channel": {"id": "2", "name": "general"}, "messages": [\n')
        t = START
        for i in range(n):
            t += rng.randint(0, 5)
            uid = rng.randint(1, 3000)
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000+00:00"
            m = {"id": str(10 ** 17 + i), "type": "Default", "timestamp": ts, "timestampEdited": None,
                 "isPinned": False, "content": rng.choice(TEXTS),
                 "author": {"id": str(10 ** 16 + uid), "name": f"user{uid}", "discriminator": "0000",
                            "nickname": f"User {uid}", "isBot": uid < 3, "roles": []},
                 "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": []}
            if rng.random() < 0.1 and i:
                m["type"] = "Reply"
                m["reference"] = {"messageId": str(10 ** 17 + rng.randint(max(0, i - 50), i - 1))}
            if i:
                f.write(",\n")
            f.write(json.dumps(m, ensure_ascii=False))
        f.write("\n], \"messageCount\": %d}\n" % n)


def gen_wechat(path: str, n: int, rng: random.Random) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
                    "StrTime", "Remark", "NickName", "Sender"])
        t = START
        for i in range(n):
            t += rng.randint(0, 5)
            uid = rng.randint(1, 3000)
            r = rng.random()
            typ, sub, text = 1, 0, rng.choice(TEXTS)
            if r < 0.01:
                typ, sub, text = 49, 2001, "[红包]"
            elif r < 0.02:
                typ, sub, text = 49, 33, "[小程序]"
            elif r < 0.05:
                text = f"@成员{rng.randint(1, 3000)}\u2005{text}"
            w.writerow([i + 1, "1@chatroom", typ, sub, 1 if uid == 1 else 0, t, 2, text, "", "", f"成员{uid}",
                        f"wxid_{uid}"])


GENERATORS = {"telegram": (gen_telegram, "result.json"), "discord": (gen_discord, "channel.json"),
              "wechat": (gen_wechat, "chat.csv")}


def run_one(path: str) -> None:
    """Child process: extract once, print JSON figures."""
    from shequn.facts.exports import extract_facts
    from shequn.facts.exports.base import ijson_backend
    t0 = time.perf_counter()
    t0c = time.process_time()
    facts, prov = extract_facts([path], staff=["User 1", "wxid_1"])
    wall = time.perf_counter() - t0
    cpu = time.process_time() - t0c
    n = prov["sources"][0]["messages"]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"messages": n, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                      "messages_per_s": int(n / wall), "peak_mb": round(peak_kb / 1024, 1),
                      "ijson_backend": ijson_backend().backend_name if hasattr(ijson_backend(), "backend_name")
                      else ijson_backend().__name__,
                      "messages_per_day": facts.get("engagement", {}).get("messages_per_day")}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--formats", default="telegram,wechat,discord")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        run_one(args.run)
        return
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            gen, fname = GENERATORS[fmt]
            path = os.path.join(tmp, fname)
            g0 = time.perf_counter()
            gen(path, args.messages, rng)
            size = os.path.getsize(path)
            print(f"{fmt}: generated {args.messages:,} messages, {size / 1e6:.0f} MB "
                  f"in {time.perf_counter() - g0:.0f} s", flush=True)
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--run", path],
                                 capture_output=True, text=True, env=os.environ.copy())
            if out.returncode:
                print(out.stderr, file=sys.stderr)
                sys.exit(1)
            r = json.loads(out.stdout)
            print(f"{fmt}: {r['messages']:,} messages in {r['seconds']} s (cpu {r['cpu_seconds']} s): "
                  f"{r['messages_per_s']:,} messages/s, peak {r['peak_mb']} MB, ijson {r['ijson_backend']}",
                  flush=True)
            os.remove(path)


if __name__ == "__main__":
    main()
