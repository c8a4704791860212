"""Load ruleset files into checked rules.

A ruleset is a YAML file: a header (name, version, title, description,
documents) and a list of rules. Loading parses and type-checks every
condition and reports every problem of every file at once, each with its
file, line and column.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from shequn.facts.typed import no_control_characters
from shequn.facts.loader import FactsError, Lines, read_file
from shequn.facts.vocabulary import lookup

from shequn.lang import ast
from shequn.rules.documents import DOCUMENTS
from shequn.errors import (DuplicateIdError, RuleError, RulesetError, RulesetErrors, RulesetFileError,
                           UnknownDocumentError, UnknownFactError)
from shequn.lang.rewrite import divisors, numbers
from shequn.lang.parser import parse
from shequn.lang.types import check, suggestion

from shequn.rules.names import Dimension, Kind, Severity

# Values a message may name besides facts: filled in by the report, never read by conditions.
MESSAGE_VALUES = {"stage.violated_essential": "the title of the violated essential that bounds the stage"}
THRESHOLD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(BaseModel):
    """A verbatim quote from a source document."""
    model_config = _STRICT
    doc: str = Field(min_length=1)
    quote: str = Field(min_length=3, max_length=2000)


class Examples(BaseModel):
    """Facts that must trigger the rule and facts that must not: the rule's own tests."""
    model_config = _STRICT
    trigger: list[dict[str, Any]] = Field(default_factory=list)
    no_trigger: list[dict[str, Any]] = Field(default_factory=list)
    not_applicable: list[dict[str, Any]] = Field(default_factory=list)


class Translation(BaseModel):
    """Optional Simplified Chinese text of a rule."""
    model_config = _STRICT
    title: Optional[str] = None
    message: Optional[str] = None
    advice: Optional[list[str]] = None


class Threshold(BaseModel):
    """A number of the rule's condition, and who gives it: the article, or shequn's own reading."""
    model_config = _STRICT
    value: float
    source: Literal["article", "shequn"]
    note: Optional[str] = Field(None, max_length=300, description="what the number stands for, or why this reading")


class Rule(BaseModel):
    """One rule: its page (title, why, advice) and its checked condition."""
    model_config = _STRICT

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{1,39}$")
    title: str = Field(min_length=1, max_length=200)
    kind: Kind
    severity: Severity
    dimension: Dimension
    minefield: Optional[int] = Field(None, ge=1, le=9)
    stage: Optional[int] = Field(None, ge=1, le=5)
    gate: bool = Field(False, description="an essential of its stage: the stage is complete only when this rule passes")
    applies: Optional[str] = Field(None, min_length=1, description="to which communities the rule speaks: a condition in "
                                   "the language of `when`; where it is false the rule is not applicable")
    when: str = Field(min_length=1)
    message: str = Field(min_length=1, max_length=2000)
    advice: list[str] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list, description="verbatim quotes the rule comes from; every "
                                  "built-in rule cites at least one, a team's own rule may cite none")
    note: Optional[str] = Field(None, description="a tension with another document, citing both")
    thresholds: dict[str, Threshold] = Field(default_factory=dict, description="the condition's numbers by name, each "
                                             "saying whether the article gives it or it is shequn's own; a project "
                                             "may set shequn's own (shequn.yaml `thresholds:`)")
    zh: Optional[Translation] = None
    examples: Examples = Field(default_factory=Examples)

    ruleset: str = ""
    file: str = ""
    line: int = 0

    _condition: ast.Expr = PrivateAttr()
    _applicability: Optional[ast.Expr] = PrivateAttr(default=None)
    _facts: tuple[str, ...] = PrivateAttr(default=())
    _applies_facts: tuple[str, ...] = PrivateAttr(default=())
    _divisors: tuple[str, ...] = PrivateAttr(default=())

    def set_condition(self, node: ast.Expr, applies: Optional[ast.Expr] = None) -> None:
        """Attach the parsed, checked conditions (done once, when the ruleset loads)."""
        self._condition = node
        self._applicability = applies
        self._facts = tuple(n for n in ast.names(node) if not n.startswith("stage."))
        self._applies_facts = tuple(n for n in ast.names(applies) if not n.startswith("stage.")) if applies else ()
        self._divisors = tuple(dict.fromkeys(divisors(node)))

    @property
    def divisors(self) -> tuple[str, ...]:
        """Facts the condition divides by: a zero makes it unknown."""
        return self._divisors

    @field_validator("advice")
    @classmethod
    def _advice_not_blank(cls, value: list[str]) -> list[str]:
        if any(not a.strip() for a in value):
            raise ValueError("advice items must not be blank")
        return value

    @field_validator("title", "message", "note", "advice")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        # a rule's text reaches terminals and pages: no escape sequences in it
        for text in (value if isinstance(value, list) else [value]):
            if isinstance(text, str):
                no_control_characters(text)
        return value

    @property
    def condition(self) -> ast.Expr:
        return self._condition

    @property
    def applicability(self) -> Optional[ast.Expr]:
        """The parsed `applies` condition, or None when the rule speaks to every community."""
        return self._applicability

    @property
    def facts(self) -> tuple[str, ...]:
        """Vocabulary facts the condition reads (what to collect to evaluate it)."""
        return self._facts

    @property
    def applies_facts(self) -> tuple[str, ...]:
        """Vocabulary facts `applies` reads (asked first: they decide whether the rule speaks at all)."""
        return self._applies_facts


    @property
    def stage_action(self) -> bool:
        """A stage's action: reported among next actions when it is the current stage."""
        return self.stage is not None and not self.gate and self.kind == "stage"


class Ruleset(BaseModel):
    """A ruleset file: header and rules."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    version: str | int
    title: str = ""
    description: str = ""
    documents: list[str] = Field(default_factory=list)
    rules: list[Rule]
    file: str = ""

    @field_validator("version")
    @classmethod
    def _version_text(cls, value: object) -> str:
        return str(value)


# --- loading ---------------------------------------------------------------

def locate_error(err: RuleError, file: str, lines: Lines, path: str, rule_id: str | None) -> RuleError:
    line, column, style = lines.value(path)
    if line is None:
        return err.located(file, lines.get(path), rule=rule_id)
    if style in ("|", ">") or err.column is None:        # block scalars: point at the line only
        return err.located(file, line + (1 if style in ("|", ">") else 0), rule=rule_id)
    quote = 1 if style in ("'", '"') else 0
    return err.located(file, line, column_offset=column - 1 + quote, rule=rule_id)


def _pydantic_errors(exc: ValidationError, file: str, lines: Lines, prefix: str, rule_id: str | None) -> list[RuleError]:
    out: list[RuleError] = []
    for e in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in e["loc"])
        path = f"{prefix}.{loc}" if loc else prefix
        if e["type"] == "missing":
            msg = f"missing field '{loc}'"
        elif e["type"] == "extra_forbidden":
            msg = f"unknown field '{loc}'"
        elif e["type"] == "value_error" and "error" in e.get("ctx", {}):
            msg = f"{loc}: {e['ctx']['error']}" if loc else str(e["ctx"]["error"])
        else:
            msg = f"{loc}: {e['msg'][0].lower()}{e['msg'][1:]}" if loc else e["msg"]
        out.append(RulesetError(msg, file=file, line=lines.get(path) or lines.get(prefix), rule=rule_id))
    return out


def _condition_errors(when: Any, file: str, lines: Lines, prefix: str, rule_id: str | None, key: str = "when") -> list[RuleError]:
    """Problems of a condition given as text (none when it is not text: reported elsewhere)."""
    if not isinstance(when, str) or not when.strip():
        return []
    try:
        check(parse(when))
    except RuleError as err:
        return [locate_error(err, file, lines, f"{prefix}.{key}", rule_id)]
    return []


def _check_rule(rule: Rule, documents: set[str], file: str, lines: Lines, prefix: str) -> list[RuleError]:
    errors = _condition_errors(rule.when, file, lines, prefix, rule.id)
    if rule.applies is not None:
        errors += _condition_errors(rule.applies, file, lines, prefix, rule.id, "applies")
        if "stage.current" in rule.applies or "stage.at_most" in rule.applies:
            errors.append(RulesetError("'applies' cannot read the inferred stage: it says to which communities the rule "
                                       "speaks", file=file, line=lines.get(f"{prefix}.applies"), rule=rule.id))
    if not errors:
        rule.set_condition(parse(rule.when), parse(rule.applies) if rule.applies is not None else None)
    if not errors:
        present = set(numbers(rule.condition)) | (set(numbers(rule.applicability)) if rule.applicability else set())
        for key, threshold in rule.thresholds.items():
            if not THRESHOLD_NAME.match(key):
                errors.append(RulesetError(f"threshold name '{key}' must be lowercase letters, digits and _",
                                           file=file, line=lines.get(f"{prefix}.thresholds.{key}"), rule=rule.id))
            elif threshold.value not in present:
                errors.append(RulesetError(f"threshold '{key}' ({threshold.value:g}) is not a number of the rule's "
                                           "condition", file=file, line=lines.get(f"{prefix}.thresholds.{key}"),
                                           rule=rule.id))
    messages = [("message", rule.message)] + ([("zh.message", rule.zh.message)] if rule.zh and rule.zh.message else [])
    for key, text in messages:          # the Chinese text fills its placeholders the same way
        for name in PLACEHOLDER.findall(text):
            if name.startswith("threshold.") and name.split(".", 1)[1] in rule.thresholds:
                continue
            if lookup(name) is None and name not in MESSAGE_VALUES:
                errors.append(UnknownFactError(f"{key} names unknown fact '{{{name}}}'{suggestion(name)}",
                                               file=file, line=lines.get(f"{prefix}.{key}"), rule=rule.id))
    if rule.gate and rule.stage is None:
        errors.append(RulesetError("'gate: true' needs a 'stage'", file=file, line=lines.get(f"{prefix}.gate"), rule=rule.id))
    if rule.kind == "stage" and rule.stage is None:
        errors.append(RulesetError("a rule of kind 'stage' needs a 'stage' (1-5)", file=file, line=lines.get(f"{prefix}.kind"), rule=rule.id))
    for i, source in enumerate(rule.sources):
        if source.doc not in documents:
            known = ", ".join(sorted(documents))
            errors.append(UnknownDocumentError(f"source names unknown document '{source.doc}' (known: {known})",
                                               file=file, line=lines.get(f"{prefix}.sources.{i}.doc"), rule=rule.id))
    return errors


def load_ruleset(path: str | os.PathLike[str]) -> Ruleset:
    """Load one ruleset file; raise RulesetErrors listing every problem."""
    return load_rulesets([path])[0]


@dataclass
class LoadedFile:
    """One ruleset file read: the ruleset (None when its header is wrong), its problems, the (id, file, line)
    of every rule that names an id, and where every value stands."""
    ruleset: Ruleset | None
    errors: list[RuleError]
    ids: list[tuple[str, str, int]]
    lines: Lines


FileResult = tuple[Ruleset | None, list[RuleError], list[tuple[str, str, int]]]


def load_ruleset_file(path: Path) -> FileResult:
    """(ruleset or None, problems, (id, file, line) of every rule that names an id)."""
    loaded = read_ruleset_file(path)
    return loaded.ruleset, loaded.errors, loaded.ids


def read_ruleset_file(path: Path) -> LoadedFile:
    """Read, parse and check one ruleset file (the file is parsed once)."""
    file = str(path)
    try:
        data, lines = read_file(path)
    except FactsError as exc:
        return LoadedFile(None, [RulesetFileError(p.message, file=file, line=p.line) for p in exc.problems], [], Lines())
    if not isinstance(data, dict):
        return LoadedFile(None, [RulesetError(f"a ruleset must be a mapping with a header and 'rules', got {type(data).__name__}",
                                              file=file)], [], lines)
    errors: list[RuleError] = []
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        return LoadedFile(None, [RulesetError("missing 'rules': a list of rules", file=file, line=lines.get("rules"))], [], lines)
    ids = [(r["id"], file, lines.get(f"rules.{i}") or 0) for i, r in enumerate(raw_rules)
           if isinstance(r, dict) and isinstance(r.get("id"), str)]
    header = {k: v for k, v in data.items() if k != "rules"}
    try:
        ruleset = Ruleset.model_validate({**header, "rules": [], "file": file})
    except ValidationError as exc:
        errors.extend(_pydantic_errors(exc, file, lines, "", None))
        ruleset = None
    documents = set(DOCUMENTS) | set(ruleset.documents if ruleset else [])
    rules: list[Rule] = []
    for i, raw in enumerate(raw_rules):
        prefix = f"rules.{i}"
        if not isinstance(raw, dict):
            errors.append(RulesetError(f"rule {i + 1} must be a mapping", file=file, line=lines.get(prefix)))
            continue
        rule_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        extra = {"file": file, "line": lines.get(prefix) or 0, "ruleset": ruleset.name if ruleset else ""}
        try:
            rule = Rule.model_validate({**raw, **extra})
        except ValidationError as exc:
            errors.extend(_pydantic_errors(exc, file, lines, prefix, rule_id))
            errors.extend(_condition_errors(raw.get("when"), file, lines, prefix, rule_id))
            errors.extend(_condition_errors(raw.get("applies"), file, lines, prefix, rule_id, "applies"))
            continue
        rule_errors = _check_rule(rule, documents, file, lines, prefix)
        errors.extend(rule_errors)
        if not rule_errors:
            rules.append(rule)
    if ruleset is None:
        return LoadedFile(None, errors, ids, lines)
    return LoadedFile(ruleset.model_copy(update={"rules": rules}), errors, ids, lines)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files and folders (their *.yaml / *.yml files) to ruleset files."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file()))
        else:
            out.append(p)
    return out


def load_rulesets(paths: Iterable[str | os.PathLike[str]], *,
                  read: Callable[[Path], FileResult] = load_ruleset_file) -> list[Ruleset]:
    """Load several ruleset files; ids must be unique across all of them.

    `read` loads one file (rules/cache.py gives one that goes through the cache)."""
    files = [LoadedFile(*read(path), Lines()) for path in expand_paths(paths)]
    errors = [e for f in files for e in f.errors] + across_files(files)
    if errors:
        raise RulesetErrors(errors)
    return [f.ruleset for f in files if f.ruleset is not None]


def across_files(files: Iterable[LoadedFile]) -> list[RuleError]:
    """What no file shows alone: a rule id or a ruleset name used twice."""
    errors: list[RuleError] = []
    seen: dict[str, tuple[str, int]] = {}
    names: dict[str, str] = {}
    for loaded in files:
        for rule_id, file, line in loaded.ids:
            if rule_id in seen:
                first = seen[rule_id]
                errors.append(DuplicateIdError(f"duplicate rule id '{rule_id}' (first defined at {first[0]}:{first[1]})",
                                               file=file, line=line, rule=rule_id))
            else:
                seen[rule_id] = (file, line)
        ruleset = loaded.ruleset
        if ruleset is None:
            continue
        if ruleset.name in names:
            errors.append(DuplicateIdError(f"ruleset name '{ruleset.name}' is also used by {names[ruleset.name]}",
                                           file=ruleset.file))
        names[ruleset.name] = ruleset.file
    return errors
