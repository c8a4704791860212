"""Inputs that are not regular files never hang a command: a named pipe, a
device, is bad input (exit 2) with a clear message. Each command runs in a
subprocess under a timeout, so a regression fails instead of hanging."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "facts" / "examples" / "jd-seller.yaml")
EXPORT = str(ROOT / "facts" / "examples" / "exports" / "telegram_result.json")
TIMEOUT = 60

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")


def shequn(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-m", "shequn", *args], cwd=cwd, capture_output=True,
                              text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"shequn {' '.join(args)} hung on a file that is not a regular file")


@pytest.fixture
def report(tmp_path: Path) -> str:
    out = tmp_path / "report.json"
    done = shequn("check", EXAMPLE, "--format", "json", "-o", str(out), cwd=tmp_path)
    assert out.exists(), done.stderr
    return str(out)


@pytest.mark.parametrize("name, command", [
    ("q.yaml", ["check", "{fifo}"]),
    ("q.json", ["check", "{fifo}"]),
    ("q.yaml", ["check", "--ruleset", "{fifo}", EXAMPLE]),
    ("q.yaml", ["rules", "lint", "{fifo}"]),
    ("q.yaml", ["explain", "{fifo}", "NM101"]),
    ("q.json", ["facts", "extract", "{fifo}"]),
    ("q.json", ["diff", "{fifo}", "{report}"]),
    ("q.json", ["diff", "{report}", "{fifo}"]),
    ("q.json", ["check", "--baseline", "{fifo}", EXAMPLE]),
])
def test_a_named_pipe_is_bad_input(tmp_path: Path, report: str, name: str, command: list[str]) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    args = [a.format(fifo=fifo, report=report) for a in command]
    done = shequn(*args, cwd=tmp_path)
    lint = command[:2] == ["rules", "lint"]         # lint lists problems on stdout, exit 1
    assert done.returncode == (1 if lint else 2), done.stderr
    assert "named pipe" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_staff_file_that_never_ends_is_bad_input(tmp_path: Path) -> None:
    done = shequn("facts", "extract", EXPORT, "--staff-file", "/dev/zero", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "device" in done.stderr


def test_a_named_pipe_as_staff_file_is_bad_input(tmp_path: Path) -> None:
    fifo = tmp_path / "staff.txt"
    os.mkfifo(fifo)
    done = shequn("facts", "extract", EXPORT, "--staff-file", str(fifo), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "named pipe" in done.stderr


def test_the_library_raises_a_shequn_error(tmp_path: Path) -> None:
    from shequn.errors import ShequnError
    from shequn.facts import load_facts
    from shequn.facts.files import NotRegularFileError, read_regular

    fifo = tmp_path / "q.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ShequnError, match="named pipe"):
        load_facts(fifo)
    with pytest.raises(NotRegularFileError, match="device"):
        read_regular("/dev/zero", 1000)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(NotRegularFileError, match="too large"):
        read_regular(big, 1000)


def billion_laughs() -> str:
    """11 levels of 5 aliases each: 55 aliases (under the alias limit), 5**12 values expanded."""
    parts, prev = ["a: &a [x,x,x,x,x]"], "a"
    for name in "bcdefghijkl":
        parts.append(f"{name}: &{name} [{','.join(['*' + prev] * 5)}]")
        prev = name
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_alias_expansion_is_bounded_by_expanded_size(tmp_path: Path, suffix: str) -> None:
    import time

    from shequn.facts import FactsError, load_facts
    from shequn.facts.loader import MAX_ALIASES

    text = billion_laughs()
    assert len(text) < 400 and text.count("*") == 55 < MAX_ALIASES
    path = tmp_path / f"laughs{suffix}"
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(FactsError, match="once aliases are expanded"):
        load_facts(path)
    assert time.monotonic() - start < 5


def test_a_billion_laughs_ruleset_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    done = shequn("rules", "lint", str(path), cwd=tmp_path)
    assert done.returncode in (1, 2)
    assert "once aliases are expanded" in done.stdout + done.stderr


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    from shequn.facts import FactsError, load_facts

    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(FactsError, match="own anchor"):
        load_facts(path)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_json_key_given_twice_is_refused_with_its_line(tmp_path: Path, suffix: str) -> None:
    from shequn.facts import FactsError, load_facts

    path = tmp_path / f"twice{suffix}"
    path.write_text('{\n  "community": {\n    "name": "a",\n    "size": 10,\n    "size": 20\n  }\n}\n',
                    encoding="utf-8")
    with pytest.raises(FactsError, match="duplicate key 'size'") as err:
        load_facts(path)
    assert err.value.problems[0].line == 5


def test_a_json_ruleset_key_given_twice_is_refused(tmp_path: Path) -> None:
    from shequn.errors import ShequnError
    from shequn.rules.ruleset import load_rulesets

    path = tmp_path / "rules.json"
    path.write_text('{"name": "a", "name": "b", "rules": []}\n', encoding="utf-8")
    with pytest.raises(ShequnError, match="duplicate key 'name'"):
        load_rulesets([path])
