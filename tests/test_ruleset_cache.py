"""The cache of loaded rulesets (rules/cache.py): the same rules as the YAML, never stale, never an error."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shequn.errors import RulesetErrors
from shequn.rules import cache
from shequn.rules.ruleset import Ruleset, load_rulesets
from shequn.rulesets import builtin_paths


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.LOCATION, str(folder))
    monkeypatch.delenv(cache.DISABLE, raising=False)
    return folder


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    """Copies of the built-in rulesets, free to edit."""
    folder = tmp_path / "rulesets"
    folder.mkdir()
    return [Path(shutil.copy(p, folder / p.name)) for p in builtin_paths()]


def load(paths: list[Path]) -> list[Ruleset]:
    return load_rulesets(paths, read=cache.cached_reader(paths))


def same(a: list[Ruleset], b: list[Ruleset]) -> None:
    assert a == b
    for x, y in zip(a, b):
        for r, s in zip(x.rules, y.rules, strict=True):
            assert (r.condition, r.applicability, r.facts, r.applies_facts, r.divisors) == \
                   (s.condition, s.applicability, s.facts, s.applies_facts, s.divisors), r.id


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def test_cached_rulesets_equal_the_yaml(cache_dir: Path, files: list[Path]) -> None:
    fresh = load_rulesets(files)
    first = load(files)                                 # writes the entries
    assert len(entries(cache_dir)) == len(files)
    second = load(files)                                # reads them
    same(fresh, first)
    same(fresh, second)


def test_the_cache_is_private(cache_dir: Path, files: list[Path]) -> None:
    load(files)
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    for entry in entries(cache_dir):
        assert entry.stat().st_mode & 0o077 == 0            # mkstemp's 0o600


def test_a_changed_file_is_never_served_stale(cache_dir: Path, files: list[Path]) -> None:
    load(files)
    text = files[0].read_text(encoding="utf-8")
    first_id = load_rulesets(files[:1])[0].rules[0].id
    files[0].write_text(text.replace(f"id: {first_id}\n", "id: ZZ999\n", 1), encoding="utf-8")
    assert load(files)[0].rules[0].id == "ZZ999"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty", "wrong-shape"])
def test_a_damaged_entry_is_ignored_and_rewritten(cache_dir: Path, files: list[Path], damage: str) -> None:
    fresh = load(files)
    entry = entries(cache_dir)[0]
    raw = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        entry.write_bytes(b"\x00\xff not json at all")
    elif damage == "flip":                              # valid JSON, a changed letter: the digest catches it
        header, _, body = raw.partition(b"\n")
        entry.write_bytes(header + b"\n" + body.replace(b'"title":"', b'"title":"X', 1))
    elif damage == "empty":
        entry.write_bytes(b"")
    else:                                               # a whole entry of the right key, but not rules
        head = json.loads(raw.partition(b"\n")[0])
        body = b'{"ruleset": {"rules": 3}, "ids": []}'
        head["sha256"] = hashlib.sha256(body).hexdigest()
        entry.write_bytes(json.dumps(head).encode() + b"\n" + body)
    same(fresh, load(files))
    assert entry.read_bytes() == raw                    # rewritten whole


def test_an_entry_others_may_write_is_not_read(cache_dir: Path, files: list[Path]) -> None:
    fresh = load(files)
    entry = entries(cache_dir)[0]
    header, _, body = entry.read_bytes().partition(b"\n")
    planted = body.replace(b'"title":"', b'"title":"PLANTED ', 1)
    head = json.loads(header)
    head["sha256"] = hashlib.sha256(planted).hexdigest()
    entry.write_bytes(json.dumps(head).encode() + b"\n" + planted)
    os.chmod(entry, 0o666)
    same(fresh, load(files))                            # the group/world-writable entry is ignored


def test_a_folder_others_may_write_is_not_used(cache_dir: Path, files: list[Path]) -> None:
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    same(load_rulesets(files), load(files))
    assert entries(cache_dir) == []


def test_no_cache_when_turned_off(cache_dir: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.DISABLE, "1")
    same(load_rulesets(files), load(files))
    assert not cache_dir.exists()


def test_an_unwritable_folder_is_no_error(tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.LOCATION, str(blocker / "cache"))
    same(load_rulesets(files), load(files))


def test_a_file_with_problems_is_not_cached(cache_dir: Path, files: list[Path]) -> None:
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.replace("severity: critical", "severity: deadly", 1), encoding="utf-8")
    with pytest.raises(RulesetErrors) as fresh:
        load_rulesets(files)
    with pytest.raises(RulesetErrors) as cached:
        load(files)
    assert cached.value.messages() == fresh.value.messages()
    assert not any(e.name.startswith(files[0].stem + "-") for e in entries(cache_dir))


CHILD = """
import json, sys
from pathlib import Path
from shequn.rules import cache
from shequn.rules.ruleset import load_rulesets
paths = [Path(p) for p in sys.argv[1:]]
loaded = load_rulesets(paths, read=cache.cached_reader(paths))
print(json.dumps([rs.model_dump(mode="json") for rs in loaded], sort_keys=True))
"""


def test_concurrent_processes_share_the_cache(cache_dir: Path, files: list[Path]) -> None:
    expected = json.dumps([rs.model_dump(mode="json") for rs in load_rulesets(files)], sort_keys=True)
    # all start with no entries, write at once, then read what the others wrote
    children = [subprocess.Popen([sys.executable, "-c", CHILD, *map(str, files)], stdout=subprocess.PIPE, text=True)
                for _ in range(6)]
    outputs = [c.communicate(timeout=120)[0].strip() for c in children]
    assert all(c.returncode == 0 for c in children)
    assert outputs == [expected] * 6
    assert len(entries(cache_dir)) == len(files)
    assert not list(cache_dir.glob(".*.tmp"))           # no temporary file left behind
