"""The exception classes of shequn: one family, one `code` per kind of mistake.

Every error the library raises for bad input is a `ShequnError`; its class
attribute `code` is a short, stable name of the kind of mistake (`facts`,
`ruleset`, `rule-syntax`, ...) and `messages()` gives one line per problem.
Messages follow one style: lowercase, subject first, the value quoted, the
place last (`unknown fact 'size.member' (did you mean 'size.members'?) at
rulesets/x.yaml:41:11`). Only the command line decides exit codes, by class.

This module imports nothing, so every layer (`shequn.facts` too) may use it.
"""
from __future__ import annotations


class ShequnError(Exception):
    """Base of every error the library raises on bad input."""

    code = "shequn"

    def messages(self) -> list[str]:
        """One line per problem, as the command line prints them."""
        return [str(self)]


class InternalError(ShequnError, RuntimeError):
    """Shequn itself went wrong, not the input: a bug to report."""

    code = "internal"


class RuleError(ShequnError):
    """A mistake in a rule, placed at file:line:column when known."""

    code = "rule"

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, rule: str | None = None):
        self.message, self.file, self.line, self.column, self.rule = message, file, line, column, rule
        super().__init__(str(self))

    def located(self, file: str | None = None, line: int | None = None, column_offset: int = 0,
                rule: str | None = None) -> "RuleError":
        """The same error placed in a file: expression columns become file columns."""
        err = type(self)(self.message, file=file or self.file, line=line or self.line,
                         column=None if self.column is None else self.column + column_offset,
                         rule=rule or self.rule)
        return err

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.line and self.column else "")
        prefix = f"rule {self.rule}: " if self.rule else ""
        return f"{prefix}{self.message}" + (f" at {where}" if where else "")


class ExpressionSyntaxError(RuleError):
    """The condition cannot be parsed."""

    code = "rule-syntax"


class UnknownFactError(RuleError):
    """A condition or a message names a fact the vocabulary does not have."""

    code = "unknown-fact"


class ExpressionTypeError(RuleError):
    """The condition compares or combines values of the wrong types."""

    code = "rule-type"


class RuleLimitError(RuleError):
    """A rule (or a stage's essentials) beyond what durable_rules can compile (docs/security.md)."""

    code = "rule-limit"


class CompiledRulesetsError(ShequnError):
    """Compiling one more distinct ruleset would pass the process's budget (durable/budget.py): they are never freed."""

    code = "compiled-rulesets"


class RulesetError(RuleError):
    """The ruleset file is malformed: missing or unknown fields, bad values."""

    code = "ruleset"


class RulesetFileError(RulesetError):
    """The ruleset file cannot be read or parsed as YAML or JSON."""


class DuplicateIdError(RulesetError):
    """A rule id, or a ruleset name, used twice."""


class UnknownDocumentError(RulesetError):
    """A rule's source names a document the ruleset does not know."""


class RulesetErrors(ShequnError):
    """Every problem found while loading rulesets, reported together."""

    code = "ruleset"

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))

    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


class SelectionError(ShequnError, ValueError):
    """A `select` or `ignore` selector that matches no rule (a typo would otherwise pass silently)."""

    code = "selection"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def messages(self) -> list[str]:
        return list(self.problems)


class ConfigError(ShequnError, ValueError):
    """A setting is wrong: a project file (shequn.yaml, [tool.shequn]) or an environment variable."""

    code = "config"
