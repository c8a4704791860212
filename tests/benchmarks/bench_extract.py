"""Benchmark of export reading (not collected by pytest).

    python tests/benchmarks/bench_extract.py [--messages 1000000] [--formats telegram,wechat,discord]
                                             [--no-hostile]

Writes a synthetic export of N messages per format into a temporary folder
(streamed, so the generator itself stays small). Then, side by side, each in
a fresh child process so that its peak memory (ru_maxrss: the whole
interpreter, modules included) is its own:

- ``bare``: the bare parse of the same file: ``ijson.items(f, "messages.item")``
  on ijson's C backend for JSON exports, ``csv.reader`` for the WeChat CSV;
- ``reader``: shequn's reader of that format, every record taken (the
  compact messages, before any measuring);
- ``extract``: ``extract_facts`` on the file, the whole extraction.

It prints seconds (wall and CPU), the ratio of the bare parse's CPU time to
the reader's and to the extraction's (CPU time: the machine may be shared),
and peak RSS. Then the hostile files of docs/security.md: a message nested
100,000 levels deep (200 KB) and one 300 MB message, each refused in a
child whose time and peak RSS are printed.
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


def _figures(t0: float, c0: float, n: int, **extra: object) -> None:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"messages": n, "seconds": round(time.perf_counter() - t0, 3),
                      "cpu_seconds": round(time.process_time() - c0, 3), "peak_mb": round(peak_kb / 1024, 1),
                      **extra}))


def run_bare(path: str) -> None:
    """Child: the bare parse of the file."""
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    if path.endswith(".csv"):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for _row in csv.reader(f):
                n += 1
        n -= 1                                  # the header
    else:
        import ijson
        backend = ijson.get_backend("yajl2_c")
        with open(path, "rb") as f:
            for _m in backend.items(f, "messages.item", use_float=True):
                n += 1
    _figures(t0, c0, n)


def run_reader(path: str) -> None:
    """Child: shequn's reader of the file's format, every record taken."""
    from shequn.facts.exports.base import HashingReader, People, ReadContext
    from shequn.facts.exports.reading import detect
    reader_cls = detect(path)[0]
    t0, c0 = time.perf_counter(), time.process_time()
    stream = HashingReader(path)
    n = 0
    for _m in reader_cls().read(stream, ReadContext(People()), os.path.basename(path)):
        n += 1
    stream.drain()
    _figures(t0, c0, n)


def run_extract(path: str) -> None:
    """Child: extract_facts on the file."""
    from shequn.facts.exports import ExportError, extract_facts
    from shequn.facts.exports.base import ijson_backend
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        facts, prov = extract_facts([path], staff=["User 1", "wxid_1"])
    except ExportError as exc:                # the hostile files
        _figures(t0, c0, 0, refused=str(exc)[:160])
        return
    backend = ijson_backend()
    _figures(t0, c0, prov["sources"][0]["messages"], ijson_backend=getattr(backend, "backend_name", "?"),
             messages_per_day=facts.get("engagement", {}).get("messages_per_day"))


RUNS = {"bare": run_bare, "reader": run_reader, "extract": run_extract}


def child(kind: str, path: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--run", kind, path],
                         capture_output=True, text=True, env=os.environ.copy())
    if out.returncode:
        print(out.stderr, file=sys.stderr)
        sys.exit(1)
    return json.loads(out.stdout)               # type: ignore[no-any-return]


def gen_hostile(tmp: str) -> list[tuple[str, str]]:
    """A Telegram export with one message nested 100,000 deep (200 KB), and one with a 300 MB message."""
    head = '{"name": "g", "type": "private_supergroup", "id": 1, "messages": [' \
           '{"id": 1, "type": "message", "date_unixtime": "1700000000", "text": "hi"}, '
    deep = os.path.join(tmp, "deep.json")
    with open(deep, "w") as f:
        f.write(head + '{"id": 2, "text": ' + "[" * 100_000 + "]" * 100_000 + "}]}")
    huge = os.path.join(tmp, "huge.json")
    with open(huge, "w") as f:
        f.write(head + '{"id": 2, "date_unixtime": "1700000000", "text": "')
        block = "a" * (1 << 20)
        for _ in range(300):
            f.write(block)
        f.write('"}]}')
    return [("nested 100,000 deep (200 KB)", deep), ("one 300 MB message", huge)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--formats", default="telegram,wechat,discord")
    ap.add_argument("--no-hostile", action="store_true", help="leave out the hostile files")
    ap.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        RUNS[args.run[0]](args.run[1])
        return
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'format':<9} {'messages':>10} {'MB':>5} | {'bare s (cpu)':>13} {'MB':>5} | "
              f"{'reader s (cpu)':>14} {'ratio':>5} {'MB':>5} | {'extract s (cpu)':>15} {'ratio':>5} {'MB':>5}",
              flush=True)
        for fmt in args.formats.split(","):
            gen, fname = GENERATORS[fmt]
            path = os.path.join(tmp, fname)
            gen(path, args.messages, rng)
            size = os.path.getsize(path) / 1e6
            bare, reader, extract = (child(k, path) for k in ("bare", "reader", "extract"))
            cpu = {k: float(str(r["cpu_seconds"])) for k, r in (("b", bare), ("r", reader), ("e", extract))}
            print(f"{fmt:<9} {args.messages:>10,} {size:>5.0f} | "
                  f"{bare['seconds']:>6} ({cpu['b']:>5}) {bare['peak_mb']:>5} | "
                  f"{reader['seconds']:>7} ({cpu['r']:>5}) {cpu['b'] / cpu['r']:>5.2f} {reader['peak_mb']:>5} | "
                  f"{extract['seconds']:>8} ({cpu['e']:>5}) {cpu['b'] / cpu['e']:>5.2f} {extract['peak_mb']:>5}",
                  flush=True)
            os.remove(path)
        if not args.no_hostile:
            for label, path in gen_hostile(tmp):
                r = child("extract", path)
                print(f"hostile: {label}: {r['seconds']} s (cpu {r['cpu_seconds']}), peak {r['peak_mb']} MB: "
                      f"{r.get('refused', 'NOT REFUSED')}", flush=True)
                os.remove(path)


if __name__ == "__main__":
    main()
