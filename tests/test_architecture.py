"""The import contracts of docs/architecture.md hold, and would catch a broken one.

The contracts live in pyproject.toml ([tool.importlinter]). The source tree
does not have the installed layout (engine/ is `shequn`, facts/ is
`shequn.facts`, ...), and the import graph is read from files, so each check
runs on a staged copy laid out as installed.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE_DIRS = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]


def stage(target: Path) -> Path:
    """Copy the package's Python sources into `target`, laid out as installed; return the root package."""
    for package, folder in sorted(PACKAGE_DIRS.items()):            # "shequn" before "shequn.facts"
        dest = target.joinpath(*package.split("."))
        shutil.copytree(ROOT / folder, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.json", "*.j2", "*.md"))
    return target / "shequn"


def lint(staged: Path, *contracts: str, config: Path = PYPROJECT) -> subprocess.CompletedProcess:
    """Run import-linter on a staged tree (the graph is built from `staged`, first on the path)."""
    code = textwrap.dedent("""
        import sys
        from importlinter.cli import lint_imports
        sys.exit(lint_imports(config_filename=sys.argv[1], limit_to_contracts=tuple(sys.argv[2:]),
                              no_cache=True, no_logo=True))
    """)
    return subprocess.run([sys.executable, "-c", code, str(config), *contracts], cwd=staged,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staged")
    stage(root)
    return root


def test_the_import_contracts_hold(staged):
    result = lint(staged)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_staged_tree_holds_every_package(staged):
    """Otherwise a contract on a package left out of the copy would check nothing."""
    for package in PACKAGE_DIRS:
        assert (staged.joinpath(*package.split(".")) / "__init__.py").is_file(), package


# One forbidden import per kind of contract, and what import-linter must say about it.
BREAKS = [
    ("lang/ast.py", "from shequn.durable import matcher", "layers",
     "shequn.lang is not allowed to import shequn.durable"),
    ("report/model.py", "import durable_rules_engine", "durable-rules-behind-durable",
     "shequn.report is not allowed to import durable_rules_engine"),
    ("facts/model.py", "from shequn.rules import ruleset", "facts-stand-alone",
     "shequn.facts is not allowed to import shequn.rules"),
    ("errors.py", "import shequn.cli.main", "nothing-imports-cli", "shequn.errors is not allowed to import shequn.cli"),
    ("durable/compiler.py", "from shequn.durable import program", "acyclic", "No cycles are allowed in shequn.durable"),
]


def test_a_forbidden_import_breaks_its_contract(tmp_path):
    """The contracts can fail: the same check on a copy with forbidden imports added (one run for all)."""
    package = stage(tmp_path)
    for module, line, _, _ in BREAKS:
        path = package / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # the forbidden import\n", encoding="utf-8")
    result = lint(tmp_path, *[contract for _, _, contract, _ in BREAKS])
    assert result.returncode != 0, result.stdout
    broken = result.stdout.partition("Broken contracts")[2]
    for _, _, _, message in BREAKS:
        assert message in broken, message + "\n" + result.stdout


# --- checks import-linter has no contract for --------------------------------

def python_files():
    for folder in sorted(set(PACKAGE_DIRS.values())):
        yield from sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    """The dotted name `path` is installed as."""
    best = max((p for p, f in PACKAGE_DIRS.items() if path.is_relative_to(ROOT / f)),
               key=lambda p: len(PACKAGE_DIRS[p]))
    parts = list(path.relative_to(ROOT / PACKAGE_DIRS[best]).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([best, *parts])


def imported_from(tree: ast.Module, path: Path):
    """(line, module, name) for every `from module import name` in the file, relative ones resolved."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                yield node.lineno, base, alias.name


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_module(dotted: str) -> bool:
    """A private submodule (`from pkg import _helpers`) is the private_modules contract's business."""
    head, _, rest = dotted.partition(".")
    if head != "shequn":
        return False
    for package, folder in sorted(PACKAGE_DIRS.items(), key=lambda kv: -len(kv[0])):
        if dotted == package or dotted.startswith(package + "."):
            tail = dotted[len(package):].lstrip(".").split(".") if dotted != package else []
            base = ROOT / folder / Path(*tail) if tail else ROOT / folder
            return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
    return False


def test_no_module_imports_another_modules_private_names():
    """A leading underscore means "this module only": using it elsewhere couples two modules' insides."""
    found = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module, name in imported_from(tree, path):
            if module != "__future__" and is_private(name) and not is_module(f"{module}.{name}"):
                found.append(f"{path.relative_to(ROOT)}:{line}: from {module} import {name}")
    assert not found, "private names imported from another module:\n" + "\n".join(found)


def test_only_the_matcher_imports_durable_rules():
    """engine/durable/matcher.py is the one module that talks to the C matcher (its docstring says why)."""
    importers = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("durable_rules_engine", "durable") for n in names):
                importers.add(module_name(path))
    assert importers == {"shequn.durable.matcher"}


def test_the_private_name_check_sees_relative_and_absolute_imports():
    """The check above, on a snippet: relative imports resolved, dunders and private modules let through."""
    source = "from __future__ import annotations\nfrom .program import _Builder\nfrom shequn.lang import ast\n"
    found = list(imported_from(ast.parse(source), ROOT / "engine" / "durable" / "probe.py"))
    assert found == [(1, "__future__", "annotations"), (2, "shequn.durable.program", "_Builder"),
                     (3, "shequn.lang", "ast")]
    assert is_private("_Builder") and not is_private("__version__") and not is_private("ast")
    assert is_module("shequn.durable.matcher") and is_module("shequn.facts.exports")
    assert not is_module("shequn.durable.program._Builder")
    assert module_name(ROOT / "facts" / "exports" / "__init__.py") == "shequn.facts.exports"
