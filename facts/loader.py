"""Read a facts file (YAML or JSON) safely and validate it, reporting every
problem at once with the file, the dotted fact path and the line."""
from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from shequn.errors import ShequnError

from .files import NotRegularFileError, read_regular
from .model import Facts, cross_problems
from .typed import typed_value
from .vocabulary import BY_NAME, SECTIONS

MAX_BYTES = 5_000_000       # a facts file is a page of numbers, not a data dump
MAX_DEPTH = 32
MAX_ALIASES = 64            # anchors are fine; billion-laughs is not
MAX_NODES = 100_000         # nodes once aliases are expanded: a few aliases can still mean billions


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, where it is and what is wrong."""
    file: str
    path: str          # dotted fact path, "" for the whole file
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class FactsError(ShequnError, ValueError):
    """A facts file that cannot be used; `problems` lists every reason."""

    code = "facts"

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


# --- safe YAML -------------------------------------------------------------

class _SafeLoader(yaml.SafeLoader):
    """SafeLoader with limits on nesting and alias expansion."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Optional[yaml.Node], index: Any) -> Optional[yaml.Node]:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (anchor expansion is limited)")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # a repeated key would silently drop the first value: refuse it
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{key_node.value}' (first on line {seen[key_node.value]})",
                        key_node.start_mark)
                seen[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        # 2024-13-45 looks like a date but is none: kept as text, so validation names its path and line
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


def expanded_size(root: yaml.Node) -> int:
    """The number of nodes of a composed tree once every alias is expanded, computed
    without expanding (each shared node is sized once); YAMLError past MAX_NODES or
    for an alias inside its own anchor."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise yaml.YAMLError("an alias refers to its own anchor (a recursive structure)")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise yaml.YAMLError(f"more than {MAX_NODES:,} values once aliases are expanded "
                                 "(anchor expansion is limited)")
        sizes[key] = total
        return total

    return size(root)


class Lines(dict[str, int]):
    """{dotted path: 1-based line of its key}; `.value(path)` is where the value starts.

    The value positions are kept in `value_starts`, not `values`: a dict
    attribute of that name would hide `dict.values()`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.value_starts: dict[str, tuple[int, int, str]] = {}

    def value(self, path: str) -> tuple[int | None, int, str]:
        """(line, 1-based column, scalar style) of a value; (None, 0, "") when unknown."""
        return self.value_starts.get(path, (None, 0, ""))


def _line_map(node: yaml.Node, prefix: str = "", out: Lines | None = None) -> Lines:
    """Where every mapping key and value of a composed YAML tree stands."""
    out = Lines() if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                path = f"{prefix}.{key.value}" if prefix else str(key.value)
                out.setdefault(path, key.start_mark.line + 1)
                out.value_starts.setdefault(path, (value.start_mark.line + 1, value.start_mark.column + 1,
                                             getattr(value, "style", None) or ""))
                _line_map(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}.{i}"
            out.setdefault(path, item.start_mark.line + 1)
            out.value_starts.setdefault(path, (item.start_mark.line + 1, item.start_mark.column + 1,
                                         getattr(item, "style", None) or ""))
            _line_map(item, path, out)
    return out


class _DuplicateKey(ValueError):
    """A JSON object with a key twice (json.loads would silently keep the last value)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"duplicate key '{key}'")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _loads(text: str, file: str) -> Any:
    """json.loads refusing duplicate keys like the YAML loader: located by the YAML reading
    of the same text (JSON is a subset of YAML) when it can be."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        try:
            _load_yaml(text, file)      # finds the same key with its line
        except FactsError as located:
            raise FactsError([Problem(p.file, p.path, p.message.replace("invalid YAML", "invalid JSON", 1), p.line)
                              for p in located.problems]) from None
        raise FactsError([Problem(file, "", f"invalid JSON: {exc}")]) from None


def read_json(text: str, file: str) -> tuple[Any, Lines]:
    """Strict JSON (a `.json` file): a trailing comma, a comment or a single quote is an error
    with its line and column. The line map comes from reading the same text as YAML, of which
    JSON is a subset, so problems still name their line."""
    stripped = text.lstrip("\ufeff")
    if not stripped.strip():
        raise FactsError([Problem(file, "", "empty file")])
    try:
        data = _loads(stripped, file)
    except RecursionError:
        raise FactsError([Problem(file, "", "invalid JSON: nested too deeply")]) from None
    except json.JSONDecodeError as exc:
        raise FactsError([Problem(file, "", f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)]) from None
    try:
        return data, _load_yaml(stripped, file)[1]
    except FactsError:
        return data, Lines()


def read_document(text: str, file: str, *, strict_json: bool = False) -> tuple[Any, Lines]:
    """Parse YAML or JSON text into data and a line map; raise FactsError.
    With `strict_json` (a `.json` file) the text must be JSON."""
    if strict_json:
        return read_json(text, file)
    # only the byte-order mark goes: stripping leading blank lines or spaces would shift every
    # line number, and break a document indented as a whole
    stripped = text.lstrip("\ufeff")
    first = stripped.lstrip(" \t\r\n")
    if not first:
        raise FactsError([Problem(file, "", "empty file")])
    if first[0] in "[{":
        try:
            return _loads(stripped, file), Lines()
        except FactsError:
            raise                       # already located (a duplicate key)
        except RecursionError:
            raise FactsError([Problem(file, "", "invalid JSON: nested too deeply")]) from None
        except ValueError as exc:
            line = getattr(exc, "lineno", None)
            if not isinstance(exc, json.JSONDecodeError):
                raise FactsError([Problem(file, "", f"invalid JSON: {exc}")]) from None
            # fall through to YAML only for flow-style YAML that is not JSON
            try:
                return _load_yaml(stripped, file)
            except FactsError:
                raise FactsError([Problem(file, "", f"invalid JSON: {exc.msg}", line)]) from None
    return _load_yaml(stripped, file)


def _load_yaml(text: str, file: str) -> tuple[Any, Lines]:
    try:
        loader = _SafeLoader(text)      # its reader already refuses control characters
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FactsError([Problem(file, "", f"invalid YAML: {first}")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise FactsError([Problem(file, "", "empty file")])
        expanded_size(node)         # before anything walks the tree with its aliases expanded
        data = loader.construct_document(node)
        return data, _line_map(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(filter(None, [exc.context, exc.problem]))
        raise FactsError([Problem(file, "", f"invalid YAML: {what}", line)]) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise FactsError([Problem(file, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()


def read_file(path: str | os.PathLike[str]) -> tuple[Any, Lines]:
    """Read and parse a facts or ruleset file with size limits; raise FactsError."""
    file = str(path)
    try:
        if os.path.isdir(path):
            raise FactsError([Problem(file, "", "is a directory, not a file")])
        raw = read_regular(path, MAX_BYTES)      # a pipe or a device would block or never end
    except FileNotFoundError:
        raise FactsError([Problem(file, "", "no such file")]) from None
    except NotRegularFileError as exc:
        raise FactsError([Problem(file, "", exc.problem)]) from None
    except OSError as exc:
        raise FactsError([Problem(file, "", f"cannot read: {exc.strerror or exc}")]) from None
    if b"\x00" in raw:
        raise FactsError([Problem(file, "", "binary file, expected YAML or JSON text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FactsError([Problem(file, "", f"not UTF-8 text (byte {exc.start})")]) from None
    return read_document(text, file, strict_json=file.lower().endswith(".json"))


# --- validation ------------------------------------------------------------

ALL_PATHS = sorted(set(BY_NAME) | set(SECTIONS) | {"provenance", "waivers"})


def _suggest(path: str) -> str:
    near = difflib.get_close_matches(path, ALL_PATHS, n=1, cutoff=0.6)
    if not near and "." in path:        # a typo in the key alone: compare keys
        section, key = path.rsplit(".", 1)
        keys = [p.rsplit(".", 1)[1] for p in ALL_PATHS if p.startswith(section + ".")]
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
        near = [f"{section}.{close[0]}"] if close else []
    return f" — did you mean {near[0]}?" if near else ""


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem_from_error(err: ErrorDetails, file: str, lines: dict[str, int]) -> Problem:
    loc = [str(p) for p in err["loc"]]
    path = ".".join(loc)
    kind, value = err["type"], err.get("input")
    fact = BY_NAME.get(path)
    if kind == "extra_forbidden":
        what = "unknown section" if len(loc) == 1 else "unknown fact"
        if path in BY_NAME and BY_NAME[path].derived:
            message = f"is derived from {', '.join(BY_NAME[path].derived_from)}; leave it out"
        else:
            message = f"{what}{_suggest(path)}"
    elif kind == "missing":
        message = "required fact is missing"
    elif kind == "model_type" or kind == "model_attributes_type":
        message = f"expected a mapping of facts, got {_describe(value)}"
    elif kind == "literal_error" and fact is not None:
        message = f"expected one of {', '.join(fact.values)}; got {_describe(value)}"
        near = difflib.get_close_matches(str(value), fact.values, n=1)
        if near:
            message += f" — did you mean {near[0]}?"
    elif kind == "literal_error" and len(loc) >= 2 and ".".join(loc[:-1]) in BY_NAME:
        fact = BY_NAME[".".join(loc[:-1])]
        path = fact.name
        message = f"list item {_describe(value)} is not one of {', '.join(fact.values)}"
    elif kind == "value_error" and fact is not None:
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    elif fact is not None:
        message = f"expected {fact.unit}, got {_describe(value)}"
        if kind in ("too_long", "string_too_long"):
            message = f"too long ({len(value)} characters)" if hasattr(value, "__len__") else err["msg"]
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
    return Problem(file, path, message, lines.get(path) or lines.get(".".join(loc[:1])))


def validate_facts(data: Any, file: str = "<facts>", lines: dict[str, int] | None = None) -> Facts:
    """Validate parsed data into Facts; raise FactsError listing every problem."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise FactsError([Problem(file, "", f"the top level must be a mapping of sections, got {type(data).__name__}")])
    problems: list[Problem] = []
    data = _nest_dotted_keys(data, file, lines, problems)
    whole: list[Problem] = []       # cross-fact problems as the model words them, in case none is found below
    facts: Facts | None
    cross: list[tuple[str, str]] | None = None       # found by the model's own check, which runs once
    try:
        facts = Facts.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            if err["type"] == "value_error" and not err["loc"]:
                found = getattr(err.get("ctx", {}).get("error"), "problems", None)
                if found is not None:
                    cross = list(found)     # the model's own cross-fact check, on the values as it read them
                else:
                    whole.append(Problem(file, "", str(err.get("ctx", {}).get("error", err["msg"]))))
                continue
            problems.append(_problem_from_error(err, file, lines))
        facts = None
    except RecursionError:
        raise FactsError([Problem(file, "", "nested too deeply")]) from None
    if facts is None and cross is None:
        # some fact failed, so the model never compared them: compare the values as people typed them
        cross = cross_problems(_typed(_flatten(data)))
    for path, message in cross or []:
        problems.append(Problem(file, path, message, lines.get(path)))
    if problems or facts is None:
        raise FactsError(problems or whole)
    return facts


OPAQUE_SECTIONS = ("provenance", "waivers")   # keyed by dotted fact names themselves: never nested


def _nest_dotted_keys(data: dict[Any, Any], file: str, lines: dict[str, int], problems: list[Problem],
                      prefix: str = "", depth: int = 0) -> dict[Any, Any]:
    """`size.members: 10` (or `source_shares.paid_ads` inside `traffic`) means the nested fact,
    as reports and apps name it; a fact given both ways is a problem, not a silent choice."""
    if depth > 4 or not any(isinstance(k, str) and "." in k for k in data) and \
            not any(isinstance(v, dict) for v in data.values()):
        return data
    out: dict[Any, Any] = {}
    for key, value in data.items():
        parts = key.split(".") if isinstance(key, str) and "." in key and all(key.split(".")) else [key]
        here = out
        for part in parts[:-1]:
            here = here.setdefault(part, {})
            if not isinstance(here, dict):
                break
        else:
            if isinstance(value, dict) and not (depth == 0 and parts[0] in OPAQUE_SECTIONS):
                path = ".".join(str(p) for p in ([prefix] if prefix else []) + parts)
                value = _nest_dotted_keys(value, file, lines, problems, path, depth + 1)
            last = parts[-1]
            if last in here:
                path = ".".join(str(p) for p in ([prefix] if prefix else []) + parts)
                twice = sorted(set(here[last]) & set(value)) if isinstance(here[last], dict) and isinstance(value, dict) \
                    else [None]
                for key_twice in twice:
                    where = f"{path}.{key_twice}" if key_twice is not None else path
                    problems.append(Problem(file, where, "given twice (once as a dotted key, once nested)",
                                            lines.get(where) or lines.get(path)))
                if twice == [] and isinstance(value, dict):
                    here[last] = {**here[last], **value}
                continue
            here[last] = value
            continue
        path = ".".join(str(p) for p in ([prefix] if prefix else []) + parts)
        problems.append(Problem(file, path, "given twice (once as a dotted key, once nested)", lines.get(path)))
    return out
def _typed(flat: dict[str, Any]) -> dict[str, Any]:
    """Values as the model reads them ("1,200" is 1200), so facts typed as text are compared too."""
    return {path: typed_value(BY_NAME[path].kind, v) if path in BY_NAME else v for path, v in flat.items()}


def _flatten(data: Any, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict) and depth < 4:
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                out.update(_flatten(value, path, depth + 1))
            else:
                out[path] = value
    return out


def parse_facts(text: str, file: str = "<facts>") -> Facts:
    data, lines = read_document(text, file)
    return validate_facts(data, file, lines)


def load_facts(path: str | os.PathLike[str]) -> Facts:
    """Load and validate a facts file (YAML or JSON)."""
    data, lines = read_file(path)
    return validate_facts(data, str(path), lines)
