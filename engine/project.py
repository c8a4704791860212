"""Project defaults: `shequn.yaml`, or `[tool.shequn]` in pyproject.toml.

The nearest one from the current directory up to the root wins (a
pyproject.toml without `[tool.shequn]` is skipped), like a linter's
configuration. Keys:

    rulesets: [path, ...]        extra ruleset files or folders, relative to the project file
    select:   [selector, ...]    rule ids, id prefixes, dimensions, kinds, severities
    ignore:   [selector, ...]
    fail_on:  critical | warning | info | never
    format:   text | concise | json | jsonl | junit | markdown | html
    thresholds: {RULE.name: number}   shequn's own thresholds set for this project (`shequn rules show RULE`)
    rule_pages: BASE             where HTML reports link a finding's rule page (a folder or URL)
    lang:     en | zh            language of reports, rule pages, questions, the facts template and explain

`shequn --config PATH` names the project file instead (a shequn.yaml, or a
pyproject.toml with `[tool.shequn]`).

Command-line options override these defaults.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from shequn.facts.loader import FactsError, read_file

from shequn.errors import ConfigError

KEYS = ("rulesets", "select", "ignore", "fail_on", "format", "thresholds", "rule_pages", "lang")
LANGS = ("en", "zh")
FAIL_ON = ("critical", "warning", "info", "never")
FORMATS = ("text", "concise", "json", "jsonl", "junit", "markdown", "html")


class ProjectError(ConfigError):
    """The project file is malformed; the message names the file."""

    code = "config"


def find_project_file(start: str | os.PathLike[str] | None = None) -> tuple[Path, str] | None:
    """(path, "yaml" | "toml") of the nearest project file, or None."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("shequn.yaml", "shequn.yml", ".shequn.yaml"):
            if (folder / name).is_file():
                return folder / name, "yaml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
                raise ProjectError(f"{pyproject}: cannot read: {exc}") from None
            if isinstance(data.get("tool"), dict) and "shequn" in data["tool"]:
                return pyproject, "toml"
    return None


def _list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProjectError(f"{where}: '{key}' must be a list of text values")
    return [v.strip() for v in value]


def read_project(path: Path, kind: str) -> dict[str, Any]:
    """The defaults of one project file (validated; ruleset paths made absolute)."""
    where = str(path)
    if kind == "toml":
        data = tomllib.loads(path.read_text(encoding="utf-8"))["tool"]["shequn"]
    else:
        try:
            data, _ = read_file(path)
        except FactsError as exc:
            raise ProjectError("; ".join(str(p) for p in exc.problems)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ProjectError(f"{where}: the shequn settings must be a mapping of {', '.join(KEYS)}")
    out: dict[str, Any] = {}
    for key, value in data.items():
        norm = str(key).replace("-", "_")
        if norm not in KEYS:
            import difflib
            near = difflib.get_close_matches(norm, KEYS, n=1)
            raise ProjectError(f"{where}: unknown setting '{key}'" + (f" (did you mean '{near[0]}'?)" if near else "")
                               + f"; known: {', '.join(KEYS)}")
        if norm in ("rulesets", "select", "ignore"):
            out[norm] = _list(value, key, where)
        elif norm == "thresholds":
            if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, (int, float))
                                                      and not isinstance(v, bool) for k, v in value.items()):
                raise ProjectError(f"{where}: 'thresholds' must map RULE.name to a number, e.g. ST201.active_floor: 0.15")
            out[norm] = [f"{k}={v}" for k, v in value.items()]
        elif norm == "rule_pages":
            if not isinstance(value, str):
                raise ProjectError(f"{where}: 'rule_pages' must be a folder or URL, e.g. https://example.org/rules/")
            out[norm] = value
        else:
            choices = FAIL_ON if norm == "fail_on" else LANGS if norm == "lang" else FORMATS
            if value not in choices:
                raise ProjectError(f"{where}: '{key}' must be one of {', '.join(choices)}, not {value!r}")
            out[norm] = value
    if "rulesets" in out:
        out["rulesets"] = [str((path.parent / p).resolve()) if not os.path.isabs(p) else p for p in out["rulesets"]]
    return out


def named_project_file(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """(path, kind) of a project file named on the command line (`--config`); raises ProjectError."""
    file = Path(path)
    if not file.is_file():
        raise ProjectError(f"{file}: no such project file")
    if file.suffix != ".toml":
        return file, "yaml"
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{file}: cannot read: {exc}") from None
    if not (isinstance(data.get("tool"), dict) and "shequn" in data["tool"]):
        raise ProjectError(f"{file}: no [tool.shequn] table")
    return file, "toml"


def project_defaults(start: str | os.PathLike[str] | None = None, *,
                     config: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The defaults of the nearest project file, or of `config` when given ({} when there is none);
    raises ProjectError. The result also says where they came from under the key "file".
    """
    found = named_project_file(config) if config is not None else find_project_file(start)
    if found is None:
        return {}
    path, kind = found
    return read_project(path, kind) | {"file": str(path)}


# every command that takes --lang: where in the command tree its defaults go
_LANG_COMMANDS = (("check",), ("diff",), ("explain",), ("rules", "show"), ("facts", "questions"), ("facts", "init"))


def default_map(start: str | os.PathLike[str] | None = None, *,
                config: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Click's `default_map` for the commands that take these options (`check`; `lang` for every
    command with --lang).

    Wire it in cli/main.py: `cli(prog_name="shequn", default_map=default_map())`.
    """
    d = project_defaults(start, config=config)
    out: dict[str, Any] = {}
    check: dict[str, Any] = {}
    for key, param in (("rulesets", "rulesets"), ("select", "select"), ("ignore", "ignore"),
                       ("fail_on", "fail_on"), ("format", "fmt"), ("thresholds", "thresholds"),
                       ("rule_pages", "rule_pages")):
        if key in d:
            check[param] = d[key]
    if check:
        out["check"] = check
    if "lang" in d:
        for path in _LANG_COMMANDS:
            node = out
            for name in path:
                node = node.setdefault(name, {})
            node["lang"] = d["lang"]
    return out
