"""Lint ruleset files: every problem, each with file, line and column.

    lint(["rulesets/mine.yaml"], sources_dir="../shared/seeds") -> [Problem, ...]

What it finds (the `code` of each problem):

    yaml, structure     the file does not parse, fields missing or unknown (rules/ruleset.py)
    duplicate           a rule id used twice, in one file or across files
    unknown-fact        a condition or message names a fact the vocabulary lacks ("did you mean")
    syntax, type        a condition that does not parse or compares the wrong things
    document            a source names no known document, or (--sources) one with no text
    quote               (--sources) a quote that is not in its document
    contradiction       a part of a condition that can never be true (`x > 5 and x < 3`)
    redundant           a part that changes nothing (`x > 5 and x > 3`, a subsumed `or` branch)
    limit               a rule or a stage beyond what durable_rules compiles (docs/security.md)
    constant            a comparison always true or always false for the fact's range (`share >= 0`)
    examples-missing    a rule without an example that triggers it, or one that does not
    example-fails       an example that does not do what it claims (run through durable_rules)

The structural part is the loader of rules/ruleset.py; this module adds what
a loader cannot know. Each loader error's code comes from its class (`_CODES`).
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Union

from shequn.facts.loader import Lines
from shequn.facts.vocabulary import lookup

from shequn.lang import ast
from shequn.rules.documents import normalise_quote
from shequn.errors import (DuplicateIdError, ExpressionSyntaxError, ExpressionTypeError, RuleError, RulesetErrors,
                           RuleLimitError, RulesetFileError, ShequnError, UnknownDocumentError, UnknownFactError)
from shequn.rulesets import builtin_paths
from shequn.durable.program import compile_program
from shequn.rules.ruleset import Rule, Ruleset, across_files, expand_paths, locate_error, read_ruleset_file

# The seed files' names, for a --sources folder without a README table
KNOWN_FILES = {
    "social-marketing-rules": "000_5f16090fbe97ea01.txt",
    "nine-minefields": "001_03c095dfcc2d08dd.txt",
    "six-aspects": "002_e4ea61b4a38e80cf.txt",
    "three-cognitions": "003_38edd9e66043329f.txt",
    "positioning-and-stages": "004_74285b55505c20c0.txt",
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    code: str
    message: str
    rule: str | None = None
    severity: str = "error"          # error | warning | note (printed, never fails)

    def __str__(self) -> str:
        prefix = f"rule {self.rule}: " if self.rule else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
                "severity": self.severity, "rule": self.rule, "message": self.message}


class SourcesError(ShequnError, ValueError):
    """The --sources folder cannot be used."""

    code = "sources"


# --- entry point -------------------------------------------------------------

def lint(paths: Iterable[str | Path], sources_dir: str | Path | None = None, *, examples: bool = True,
         builtin: bool = True) -> list[Problem]:
    """Every problem of the ruleset files (folders: their *.yaml), sorted by file, line and column.

    With `builtin` (the default) the files are checked beside the built-in rulesets, as `check` loads
    them: a rule id or ruleset name that clashes with a built-in one is a problem here, not at `check`.
    """
    paths = list(paths)
    empty: list[RuleError] = [RulesetFileError("no ruleset file (*.yaml or *.yml) in this folder: nothing to lint", file=str(p))
             for p in map(Path, paths) if p.is_dir() and not expand_paths([p])]
    if empty or not paths:       # a folder without rulesets would otherwise lint clean
        raise RulesetErrors(empty or [RulesetFileError("no ruleset file given: nothing to lint")])
    texts = load_sources(sources_dir) if sources_dir is not None else None
    problems: list[Problem] = []
    mine = {p.resolve() for p in expand_paths(paths)}
    beside = [p for p in builtin_paths() if Path(p).resolve() not in mine] if builtin else []
    files = [read_ruleset_file(path) for path in expand_paths([*beside, *paths])]     # each file parsed once
    errors = [e for f in files for e in f.errors] + across_files(files)
    problems.extend(_from_error(e) for e in errors if not e.file or Path(e.file).resolve() in mine)
    placed: list[tuple[Rule, Lines]] = []
    for loaded in files[len(expand_paths(beside)):]:
        ruleset, lines = loaded.ruleset, loaded.lines
        if ruleset is None:
            continue
        problems.extend(_lint_ruleset(ruleset, lines, texts, examples))
        placed.extend((rule, lines) for rule in ruleset.rules)
    problems.extend(_overlaps(placed))
    problems.extend(_limits([rule for rule, _ in placed]))
    _PREFIXES.clear()
    problems = list(dict.fromkeys(problems))
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.code))


# The lint code of each loader error class; any other RuleError is "structure".
_CODES: dict[type[RuleError], str] = {
    ExpressionSyntaxError: "syntax", UnknownFactError: "unknown-fact", ExpressionTypeError: "type",
    DuplicateIdError: "duplicate", UnknownDocumentError: "document", RulesetFileError: "yaml", RuleLimitError: "limit"}


def _code(err: RuleError) -> str:
    """The lint code of a loader error, from its class (the nearest class in `_CODES`)."""
    return next((_CODES[kind] for kind in type(err).__mro__ if kind in _CODES), "structure")


_LINE_CACHE: dict[str, list[str]] = {}


def _indent_column(file: str, line: int | None) -> int:
    """The column where a line's content starts (for problems placed on a line)."""
    if not line:
        return 1
    if file not in _LINE_CACHE:
        try:
            _LINE_CACHE[file] = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            _LINE_CACHE[file] = []
    text = _LINE_CACHE[file]
    if line > len(text):
        return 1
    content = text[line - 1]
    stripped = content.lstrip(" -")
    return len(content) - len(stripped) + 1 if stripped else 1


def _from_error(err: RuleError) -> Problem:
    file = err.file or "<ruleset>"
    line = err.line or 1
    column = err.column or _indent_column(file, err.line)
    return Problem(file, line, column, _code(err), err.message, err.rule)


_PREFIXES: dict[int, tuple[Lines, dict[int, str]]] = {}       # id(lines) -> (lines, {line: "rules.<i>"})


def _rule_prefix(lines: Lines, rule: Rule) -> str | None:
    """The dotted path of a rule in its file, from the line it starts on: one index per file,
    so looking up every rule stays linear in the number of rules."""
    entry = _PREFIXES.get(id(lines))
    if entry is None or entry[0] is not lines:
        index = {line: path for path, line in reversed(list(lines.items()))
                 if path.startswith("rules.") and path.count(".") == 1}
        entry = _PREFIXES[id(lines)] = (lines, index)
    return entry[1].get(rule.line) if rule.line is not None else None


def _at(rule: Rule, lines: Lines, path: str, code: str, message: str, column: int | None = None,
        severity: str = "error") -> Problem:
    """A problem placed at a value of the file (with a column inside an expression when given)."""
    err = RuleError(message, column=column)
    placed = locate_error(err, rule.file, lines, path, rule.id)
    line = placed.line or rule.line or 1
    col = placed.column if column is not None and placed.column else _value_column(lines, path, rule.file, line)
    return Problem(rule.file, line, col, code, message, rule.id, severity)


def _value_column(lines: Lines, path: str, file: str, line: int) -> int:
    vline, vcol, _ = lines.value(path)
    if vline == line and vcol:
        return vcol
    return _indent_column(file, line)


def _lint_ruleset(ruleset: Ruleset, lines: Lines, texts: dict[str, str] | None, examples: bool) -> list[Problem]:
    out: list[Problem] = []
    for rule in ruleset.rules:
        prefix = _rule_prefix(lines, rule)
        if prefix is None:
            continue
        for message, code, pos, severity in analyse(rule.condition):
            out.append(_at(rule, lines, f"{prefix}.when", code, message, pos, severity))
        if not rule.sources:
            out.append(_at(rule, lines, prefix, "no-sources", "cites no source: fine for a team's own rule; a rule "
                           "written from a document quotes the passage", severity="note"))
        if texts is not None:
            out.extend(_check_quotes(rule, lines, prefix, texts))
        if examples:
            out.extend(_check_examples(rule, lines, prefix))
    return out


def _limits(rules: list[Rule]) -> list[Problem]:
    """What durable_rules could not compile (durable/program.py's measured limits): found by compiling,
    so whatever lint accepts an Engine accepts."""
    try:
        compile_program(rules)
    except RuleLimitError as exc:
        return [_from_error(exc)]
    return []


# --- one problem, one rule ---------------------------------------------------

_SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
_MAX_PARTS = 8              # conjunctions longer than this are only compared whole


def _parts(node: ast.Expr) -> frozenset[str]:
    """The conjuncts of a condition, each in a canonical text (operands of and/or sorted)."""
    if isinstance(node, ast.And):
        return frozenset(p for item in node.items for p in _parts(item))
    return frozenset({_canonical(node)})


def _canonical(node: ast.Expr) -> str:
    if isinstance(node, (ast.And, ast.Or)):
        word = " and " if isinstance(node, ast.And) else " or "
        return "(" + word.join(sorted(_canonical(i) for i in node.items)) + ")"
    if isinstance(node, ast.Not):
        return f"not {_canonical(node.operand)}"
    return str(node)


def _effective(rule: Rule) -> frozenset[str]:
    """What makes the rule violated: `applies` and `when` together."""
    parts = _parts(rule.condition)
    return parts | _parts(rule.applicability) if rule.applicability is not None else parts


def _overlaps(placed: list[tuple[Rule, Lines]]) -> list[Problem]:
    """Rules that say the same thing: an equivalent condition (a warning), or a narrower one that is no
    more severe (a note: whenever it fires the broader rule fires too; it may still cite a passage
    of its own). Linear in the number of rules:
    each rule's condition is looked up whole, and its sub-conjunctions by hash."""
    first: dict[frozenset[str], Rule] = {}
    ids: set[str] = set()
    unique: list[tuple[Rule, Lines]] = []
    for rule, lines in placed:
        if rule.stage_action or rule.id in ids:        # stage actions are advice for their stage; a duplicate
            continue                                   # id is a problem of its own already
        ids.add(rule.id)
        unique.append((rule, lines))
        first.setdefault(_effective(rule), rule)
    out: list[Problem] = []
    for rule, lines in unique:
        parts = _effective(rule)
        prefix = _rule_prefix(lines, rule)
        if prefix is None:
            continue
        same = first[parts]
        if same is not rule:
            out.append(_at(rule, lines, f"{prefix}.when", "duplicate-condition",
                           f"same condition as {same.id} ({same.file}:{same.line}): one problem should be one rule; "
                           "merge them and cite both documents", severity="warning"))
            continue
        if len(parts) > _MAX_PARTS:
            continue
        items = sorted(parts)
        for size in range(1, len(items)):
            for subset in itertools.combinations(items, size):
                broader = first.get(frozenset(subset))
                if broader is not None and _SEVERITY_RANK[rule.severity] <= _SEVERITY_RANK[broader.severity]:
                    out.append(_at(rule, lines, f"{prefix}.when", "subsumed-condition",
                                   f"whenever this rule fires {broader.id} fires too ({broader.file}:{broader.line}), "
                                   "and it is no more severe: check that it says something of its own (the report "
                                   "folds rules of the same cause)", severity="note"))
    return out


# --- sources -----------------------------------------------------------------

_ROW = re.compile(r"^\s*\|(?P<row>.*)\|\s*$")


def source_files(folder: Path) -> dict[str, Path]:
    """Document key -> text file in a sources folder: README table, `<key>.txt`, or the known seed names."""
    found: dict[str, Path] = {}
    for readme in ("README.md", "README.txt", "README"):
        path = folder / readme
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                m = _ROW.match(line)
                if not m:
                    continue
                cells = [c.strip() for c in m.group("row").split("|")]
                files = [c.strip("`") for c in cells if (folder / c.strip("`")).is_file() and c.strip("`")]
                keys = re.findall(r"`([a-z0-9][a-z0-9_-]*)`", m.group("row"))
                keys = [k for k in keys if not (folder / k).is_file()]
                if files and keys:
                    found.setdefault(keys[0], folder / files[0])
            break
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in (".txt", ".md") and path.stem not in found and path.stem.lower() != "readme" \
                and path not in found.values():
            found[path.stem] = path
    for key, name in KNOWN_FILES.items():
        if key not in found and (folder / name).is_file():
            found[key] = folder / name
    return found


def load_sources(folder: str | Path) -> dict[str, str]:
    """Document key -> folded text; raises SourcesError when the folder is unusable."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourcesError(f"{folder}: not a folder of source documents")
    out = {}
    for key, path in source_files(folder).items():
        try:
            out[key] = normalise_quote(path.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            raise SourcesError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not out:
        raise SourcesError(f"{folder}: no source documents (*.txt, or a README table of file and key)")
    return out


def _check_quotes(rule: Rule, lines: Lines, prefix: str, texts: dict[str, str]) -> list[Problem]:
    out = []
    for i, source in enumerate(rule.sources):
        if source.doc not in texts:
            out.append(_at(rule, lines, f"{prefix}.sources.{i}.doc", "document",
                           f"no text for document '{source.doc}' in the sources folder"))
        elif normalise_quote(source.quote) not in texts[source.doc]:
            short = source.quote if len(source.quote) <= 70 else source.quote[:67] + "..."
            out.append(_at(rule, lines, f"{prefix}.sources.{i}.quote", "quote",
                           f"quote not found in '{source.doc}': '{short}'"))
    return out


# --- examples ----------------------------------------------------------------

def _check_examples(rule: Rule, lines: Lines, prefix: str) -> list[Problem]:
    from shequn.authoring.examples import run_examples

    out = []
    for which in ("trigger", "no_trigger"):
        if not getattr(rule.examples, which):
            path = f"{prefix}.examples" if f"{prefix}.examples" in lines else f"{prefix}.id"
            out.append(_at(rule, lines, path, "examples-missing",
                           f"no '{which}' example: add facts that {'trigger' if which == 'trigger' else 'do not trigger'} the rule",
                           severity="warning"))
    for r in run_examples([rule]).failures:
        path = f"{prefix}.examples.{r.which}.{r.index - 1}"
        if r.problems:
            msg = f"{r.which} example {r.index} is not a valid facts file: " + "; ".join(r.problems)
        else:
            msg = f"{r.which} example {r.index} should make the rule {r.expected} but it is {r.actual.replace('_', ' ')}"
            parts = [s for s in (r.explanation.walk() if r.explanation else []) if not s.children and s.outcome == "unknown"]
            if parts:
                msg += f" ('{parts[0].text}' is unknown)"
        out.append(_at(rule, lines, path, "example-fails", msg))
    return out


# --- static analysis of conditions ------------------------------------------

@dataclass(frozen=True)
class Atom:
    """A test on one subject (a fact, or a flag of a list fact), or an opaque test (subject None)."""
    subject: str | None
    test: Callable[[Any], bool] | None
    text: str
    pos: int
    bounds: tuple[Any, ...] = ()


# A condition in negation normal form: an Atom or ('and'|'or', [children], text, column).
Nnf = Union[Atom, tuple[str, list["Nnf"], str, int]]
Finding = tuple[str, str, int, str]        # (message, code, column, severity)


def _test(atom: Atom) -> Callable[[Any], bool]:
    """The test of an atom with a subject (opaque atoms are grouped out before any test)."""
    if atom.test is None:
        raise TypeError(f"'{atom.text}' has no test of its own")
    return atom.test


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _atom(node: ast.Expr, neg: bool, original: str) -> Atom:
    text = f"not {original}" if neg and not original.startswith("not ") else original
    flip = (lambda f: (lambda v: not f(v))) if neg else (lambda f: f)
    if isinstance(node, ast.Name):
        return Atom(node.name, flip(lambda v: v is True), text, _start(node))
    if isinstance(node, ast.Compare):
        op, left, right = node.op, node.left, node.right
        if isinstance(left, ast.Literal) and isinstance(right, ast.Name):
            op, left, right = ast.FLIPPED[op], right, left
        if isinstance(left, ast.Name) and isinstance(right, ast.Literal):
            value, fn = right.value, _OPS[op]
            return Atom(left.name, flip(lambda v: fn(v, value)), text, _start(node), (value,))
    if isinstance(node, ast.In):
        if isinstance(node.container, ast.Name) and isinstance(node.item, ast.Literal):
            negated = node.negated
            return Atom(f"{node.container.name}[{node.item.value}]", flip(lambda v: v != negated), text, _start(node))
        if isinstance(node.item, ast.Name) and isinstance(node.container, ast.ListLiteral):
            values, negated = {i.value for i in node.container.items}, node.negated
            return Atom(node.item.name, flip(lambda v: (v in values) != negated), text, _start(node), tuple(values))
    return Atom(None, None, text, _start(node))


def _start(node: ast.Expr) -> int:
    """The column where a sub-condition's text starts."""
    return min([node.pos] + [_start(c) for c in ast.children(node)])


def _nnf(node: ast.Expr, neg: bool = False, start: int | None = None) -> Nnf:
    """Negation normal form: ('and'|'or', [children], text, column) or an Atom."""
    if isinstance(node, ast.Not):
        return _nnf(node.operand, not neg, start if start is not None else node.pos)
    if isinstance(node, (ast.And, ast.Or)):
        kind = "and" if isinstance(node, ast.And) != neg else "or"
        kids: list[Nnf] = []
        for item in node.items:
            k = _nnf(item, neg)
            kids.extend(k[1] if isinstance(k, tuple) and k[0] == kind else [k])
        text = str(node) if not neg else f"not ({node})"
        return (kind, kids, text, start if start is not None else _start(node))
    atom = _atom(node, neg, str(node))
    if start is not None:
        atom = Atom(atom.subject, atom.test, atom.text, start, atom.bounds)
    return atom


def _domain(subject: str, atoms: list[Atom]) -> list[Any] | None:
    """Candidate values of a subject: enough to decide any combination of its atoms."""
    if subject.endswith("]"):
        return [True, False]
    fact = lookup(subject)
    if fact is None:
        return None
    if fact.kind == "bool":
        return [True, False]
    if fact.kind == "enum":
        return list(fact.values)
    if fact.kind == "text":
        return [b for a in atoms for b in a.bounds] + ["\0other"]
    if fact.kind not in ("count", "number", "amount", "share", "stage"):
        return None
    low = 1 if fact.kind == "stage" else 0
    high = 1 if fact.kind == "share" else 5 if fact.kind == "stage" else math.inf
    integer = fact.kind in ("count", "stage")
    bounds = sorted({float(b) for a in atoms for b in a.bounds if isinstance(b, (int, float)) and not isinstance(b, bool)}
                    | {float(low)} | ({float(high)} if high != math.inf else set()))
    points: set[float] = set()
    for b in bounds:
        if integer:
            points.update({math.floor(b) - 1, math.floor(b), math.ceil(b), math.ceil(b) + 1})
        else:
            points.update({b, b - 1e-6, b + 1e-6})
    points.update((a + b) / 2 for a, b in zip(bounds, bounds[1:]))
    points.add(bounds[-1] + 1)
    return sorted(p for p in points if low <= p <= high and (not integer or p == int(p)))


def _sat(atoms: list[Atom], domain: list[Any]) -> bool:
    return any(all(_test(a)(v) for a in atoms) for v in domain)


def _implies(a: Atom, b: Atom, domain: list[Any]) -> bool:
    return all(_test(b)(v) for v in domain if _test(a)(v))


def _always(atom: Atom, domain: list[Any]) -> bool | None:
    results = {bool(_test(atom)(v)) for v in domain}
    return results.pop() if len(results) == 1 else None


def analyse(node: ast.Expr) -> list[tuple[str, str, int, str]]:
    """(message, code, column, severity) for contradictory, redundant and constant parts of a condition."""
    out: list[tuple[str, str, int, str]] = []
    _walk(_nnf(node), out, top=True)
    return list(dict.fromkeys(out))


def _text(item: Nnf) -> str:
    return item.text if isinstance(item, Atom) else item[2]


def _pos(item: Nnf) -> int:
    return item.pos if isinstance(item, Atom) else item[3]


def _walk(item: Nnf, out: list[Finding], top: bool = False) -> None:
    if isinstance(item, Atom):
        if item.subject is not None:
            domain = _domain(item.subject, [item])
            always = _always(item, domain) if domain else None
            if always is not None:
                fact = lookup(item.subject.split("[")[0])
                rng = f" ({fact.name} is {fact.unit})" if fact is not None else ""
                out.append((f"'{item.text}' is always {'true' if always else 'false'} when the fact is known{rng}",
                            "constant", item.pos, "error"))
        return
    kind, kids, text, pos = item
    for k in kids:
        _walk(k, out)
    texts = [_text(k) for k in kids]
    for i, t in enumerate(texts):
        if t in texts[:i]:
            out.append((f"'{t}' appears twice in '{text}'", "redundant", _pos(kids[i]), "warning"))
    _absorption(kind, kids, text, out)
    groups: dict[str, list[Atom]] = {}
    for k in kids:
        if isinstance(k, Atom) and k.subject is not None:
            groups.setdefault(k.subject, []).append(k)
    for subject, atoms in groups.items():
        if len(atoms) < 2:
            continue
        domain = _domain(subject, atoms)
        if not domain:
            continue
        if kind == "and" and not _sat(atoms, domain):
            pair = next(((a, b) for a in atoms for b in atoms if a is not b and not _sat([a, b], domain)), None)
            why = f"'{pair[0].text}' and '{pair[1].text}' can never both be true" if pair else \
                f"{' and '.join(repr(a.text) for a in atoms)} can never all be true"
            whole = "the rule can never fire" if top else f"'{text}' is never true"
            out.append((f"contradictory condition: {why}; {whole}", "contradiction", atoms[-1].pos, "error"))
            continue
        if kind == "or" and all(any(_test(a)(v) for a in atoms) for v in domain):
            names = " or ".join(f"'{a.text}'" for a in atoms)
            whole = "the rule never passes" if top else f"'{text}' is never false"
            out.append((f"{names} is always true when {subject} is known; {whole}", "constant", atoms[0].pos, "error"))
            continue
        for a in atoms:
            for b in atoms:
                if a is b or a.text == b.text or not _implies(a, b, domain):
                    continue
                if _implies(b, a, domain) and atoms.index(a) < atoms.index(b):
                    continue                                  # equivalent: report the later one only
                if kind == "and":
                    out.append((f"'{b.text}' is implied by '{a.text}': remove it", "redundant", b.pos, "warning"))
                else:
                    out.append((f"the branch '{a.text}' is subsumed by '{b.text}': remove it", "redundant", a.pos, "warning"))


def _absorption(kind: str, kids: list[Nnf], text: str, out: list[Finding]) -> None:
    """`a or (a and b)`: the `and` branch is subsumed; `a and (a or b)`: the `or` is implied."""
    plain = {_text(k) for k in kids}
    inner = "and" if kind == "or" else "or"
    for k in kids:
        if isinstance(k, tuple) and k[0] == inner:
            shared = [t for t in (_text(c) for c in k[1]) if t in plain]
            if shared:
                if kind == "or":
                    msg = f"the branch '{k[2]}' is subsumed by '{shared[0]}': remove it"
                else:
                    msg = f"'{k[2]}' is implied by '{shared[0]}': remove it"
                out.append((msg, "redundant", k[3], "warning"))
