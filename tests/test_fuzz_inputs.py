"""Generated facts documents and conditions: whatever comes in, the result is a value or shequn's own error.

Facts: valid and hostile YAML and JSON text (types, nesting, aliases, BOMs, leading blanks, control
characters) through parse_facts, then the engine. Conditions: generated text through parse and the
type checker, then — when they pass — compiled and evaluated. Any other exception is a failure.
"""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from shequn.errors import ShequnError
from shequn.facts.loader import load_facts, parse_facts

import support

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from(["是", "否", "90%", "1,200", "2024-13-45", "inf", "&a", "*a"]))
KEYS = st.sampled_from(["community", "size", "governance", "content", "waivers", "name", "members", "admins",
                        "type", "platform", "rule", "expires", "reason", "provenance", "\x1b[2J", "<b>"])
TREES = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(KEYS, kids, max_size=4)),
                     max_leaves=20)


def _diagnose(text: str) -> None:
    try:
        facts = parse_facts(text, "f.yaml")
    except ShequnError:
        return
    try:
        support_engine().evaluate(facts)
    except ShequnError:
        pass


_ENGINE = []


def support_engine():
    if not _ENGINE:
        from shequn import Engine
        _ENGINE.append(Engine())
    return _ENGINE[0]


@settings(deadline=None, max_examples=support.examples(60))
@given(TREES, st.sampled_from(["", "\ufeff", "\n\n# c\n", "  "]))
def test_generated_json_facts_load_or_give_a_facts_error(tree, lead):
    _diagnose(lead + json.dumps(tree, ensure_ascii=False))


@settings(deadline=None, max_examples=support.examples(60))
@given(st.text(alphabet=st.sampled_from(list("community:size members\n -&*!{}[]'\"#|>1.%是\t\x1b\ufeff")), max_size=80))
def test_generated_yaml_text_loads_or_gives_a_facts_error(text):
    _diagnose(text)


CONDITIONS = st.lists(st.sampled_from(["size.members", "governance.admins", "size.active_share_7d", "1", "0", "1e308", "-", "+", "*", "/", "stage.current", "\"wechat\"", "community.platform",
                                       "(", ")", "and", "or", "not", ">", "<", "==", "in", "[1, 2]", '"x"',
                                       "community.name", "0.5"]), min_size=1, max_size=12).map(" ".join)


@settings(deadline=None, max_examples=support.examples(100))
@given(CONDITIONS)
def test_a_condition_the_checker_accepts_compiles_and_evaluates(text):
    from shequn.durable.compiler import compile_condition
    from shequn.lang.parser import parse
    from shequn.lang.types import check
    try:
        node = parse(text)
        check(node)
    except ShequnError:
        return
    for mode in ("T", "F", "NT", "NF"):
        compile_condition(node, mode)


RULE = """name: fuzzed
version: 1
rules:
  - id: FZ001
    title: Fuzzed
    kind: practice
    severity: info
    dimension: content
    when: {when}
    message: "x"
    advice: [Do less.]
"""
FACTS = [{"community": {"name": "a"}},
         {"community": {"name": "b", "platform": "wechat"}, "size": {"members": 0, "active_share_7d": 0.0},
          "governance": {"admins": 0}},
         {"community": {"name": "c", "platform": "qq"}, "size": {"members": 10**6, "active_share_7d": 1.0},
          "governance": {"admins": 3}}]


@settings(deadline=None, max_examples=support.examples(30))
@given(CONDITIONS)
def test_whatever_lint_accepts_the_engine_evaluates(text):
    import tempfile
    from pathlib import Path

    from shequn import Engine
    from shequn.authoring.lint import lint
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.yaml"
        path.write_text(RULE.format(when=json.dumps(text)), encoding="utf-8")
        try:
            problems = lint([path], examples=False, builtin=False)
        except ShequnError:
            return
        if any(p.severity == "error" for p in problems):
            return
        engine = Engine([path], builtin=False)
        for facts in FACTS:
            report = engine.evaluate(facts)
            assert report.community.name == facts["community"]["name"]


ALIASED = st.builds(lambda n, depth: "a: &a [" + ", ".join(["x"] * n) + "]\n" + "".join(
    f"{k}: &{k} [" + ", ".join([f"*{p}"] * n) + "]\n" for p, k in zip("abcdefgh", "bcdefghi"[:depth]))
    + "community: {name: x}\n", st.integers(1, 12), st.integers(0, 7))


@settings(deadline=None, max_examples=support.examples(30))
@given(ALIASED)
def test_aliases_that_expand_to_many_values_load_or_are_refused_quickly(text):
    _diagnose(text)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "latin-1"])


@settings(deadline=None, max_examples=support.examples(30))
@given(TREES, ENCODINGS, st.sampled_from(["f.yaml", "f.json", "f.yml"]))
def test_a_facts_file_in_any_encoding_loads_or_gives_a_facts_error(tree, encoding, name):
    import tempfile
    from pathlib import Path
    text = json.dumps({"community": {"name": "社群"}, "size": tree} if isinstance(tree, dict) else tree,
                      ensure_ascii=False)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        try:
            facts = load_facts(path)
        except ShequnError:
            return
        support_engine().evaluate(facts)


@settings(deadline=None, max_examples=support.examples(4))
@given(TREES)
def test_check_on_a_generated_facts_file_exits_0_1_or_2(tree):
    import tempfile
    from pathlib import Path

    from click.testing import CliRunner
    from shequn.cli.main import cli
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.json"
        path.write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", str(path), "--format", "concise"])
        assert result.exit_code in (0, 1, 2), result.output
        assert "internal error" not in result.output and "Traceback" not in result.output
