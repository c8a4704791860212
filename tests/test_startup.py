"""What a cold start loads: `import shequn` and `check` of one YAML file leave out what they do not use.

Counted in modules, not timed (performance is measured by tests/benchmarks/bench_engine.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "facts" / "examples" / "cosmetics-brand-matrix.yaml"

LOADED = """
import json, sys
{code}
print(json.dumps(sorted(sys.modules)))
"""


def loaded(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", LOADED.format(code=code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_shequn_loads_no_engine_and_no_models() -> None:
    modules = loaded("import shequn")
    assert not {"pydantic", "yaml", "shequn.facts", "shequn.diagnose", "importlib.metadata"} & modules


def test_check_of_a_yaml_file_loads_neither_jinja_nor_the_export_readers() -> None:
    modules = loaded(f"""
import contextlib, io
from shequn.cli.main import main
sys.argv = ["shequn", "check", {str(EXAMPLE)!r}, "--fail-on", "never"]
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main()
""")
    assert "shequn.diagnose.engine" in modules and "rich.console" in modules      # it did run
    assert not {"jinja2", "shequn.facts.exports", "concurrent.futures.process"} & modules


@pytest.mark.parametrize("export", sorted(p.name for p in (ROOT / "facts" / "examples" / "exports").iterdir()
                                           if p.suffix in (".json", ".csv")))
def test_check_of_an_export_among_the_files_still_finds_it(export: str) -> None:
    export_path = ROOT / "facts" / "examples" / "exports" / export
    done = subprocess.run([sys.executable, "-m", "shequn", "check", str(export_path), "--format", "json",
                           "--fail-on", "never"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["community"]["name"]
