"""One error family: every error the library raises for bad input is a ShequnError with a code."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import click
import pytest

import shequn
from shequn.errors import InternalError, ShequnError

PACKAGES = ("shequn", "shequn.facts", "shequn.cli", "shequn.rulesets")


def _modules():
    seen = {}
    for name in PACKAGES:
        package = importlib.import_module(name)
        seen[name] = package
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            if info.name.rsplit(".", 1)[-1] == "__main__":      # would run the command line
                continue
            seen.setdefault(info.name, importlib.import_module(info.name))
    return list(seen.values())


def _exception_classes():
    found = {}
    for module in _modules():
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def _is_input_error(cls) -> bool:
    """Every exception class of the package but private control flow and click's own exits."""
    return not cls.__name__.startswith("_") and not issubclass(cls, click.ClickException)


def test_the_walk_finds_the_families():
    names = {cls.__name__ for cls in _exception_classes().values()}
    assert {"FactsError", "ExportError", "SourcesError", "ProjectError", "MatcherError", "RulesetErrors",
            "ExpressionSyntaxError", "BadInput"} <= names


@pytest.mark.parametrize("name, cls", sorted(_exception_classes().items()))
def test_every_error_class_is_a_shequn_error_with_a_code(name, cls):
    if not _is_input_error(cls):
        pytest.skip("private control flow or a click exit")
    assert issubclass(cls, ShequnError), f"{name} is not a ShequnError"
    assert isinstance(cls.code, str) and cls.code.strip(), f"{name} has no code"
    assert cls is ShequnError or cls.code != ShequnError.code, f"{name} keeps the base's code"


def test_codes_and_second_bases_callers_rely_on():
    from shequn.authoring.lint import SourcesError
    from shequn.durable.matcher import MatcherError
    from shequn.facts import FactsError
    from shequn.facts.exports import ExportError
    from shequn.project import ProjectError

    assert (FactsError.code, ExportError.code, SourcesError.code, ProjectError.code, MatcherError.code) == \
        ("facts", "export", "sources", "config", "matcher")
    assert issubclass(FactsError, ValueError) and issubclass(SourcesError, ValueError)
    assert issubclass(MatcherError, InternalError) and issubclass(MatcherError, RuntimeError)
    assert shequn.FactsError is FactsError


def test_shequn_error_catches_a_missing_facts_file(tmp_path):
    with pytest.raises(shequn.ShequnError) as info:
        shequn.load_facts(tmp_path / "nowhere.yaml")
    assert info.value.code == "facts"
    assert info.value.messages() == [f"{tmp_path / 'nowhere.yaml'}: no such file"]


def test_shequn_error_catches_a_bad_ruleset(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: 1\nrules:\n  - id: B1\n    when: size.member > 3\n")
    with pytest.raises(shequn.ShequnError) as info:
        shequn.Engine([bad])
    assert info.value.code == "ruleset"
    assert len(info.value.messages()) > 1          # every problem, one line each
    assert any("unknown fact 'size.member'" in m for m in info.value.messages())


def test_shequn_error_catches_a_bad_export(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("just,some,columns\n1,2,3\n")
    with pytest.raises(shequn.ShequnError) as info:
        shequn.extract_facts([bad])
    assert info.value.code == "export" and "not a known export" in str(info.value)


def test_duplicate_rule_ids_among_ruleset_objects_are_a_ruleset_error():
    from shequn.rulesets import builtin_paths
    from shequn.rules.ruleset import load_rulesets

    again = load_rulesets(builtin_paths())[0]
    with pytest.raises(shequn.RulesetErrors, match="duplicate rule id"):
        shequn.Engine([again])
