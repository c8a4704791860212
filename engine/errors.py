"""One exception class per kind of mistake in a rule or ruleset.

Messages follow one style: lowercase, subject first, the value quoted, the
place last (`unknown fact 'size.member' (did you mean 'size.members'?) at
rulesets/x.yaml:41:11`). Only the command line decides exit codes.
"""
from __future__ import annotations


class ShequnError(Exception):
    """Base of every error the library raises on bad input."""


class RuleError(ShequnError):
    """A mistake in a rule, placed at file:line:column when known."""

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


class UnknownFactError(RuleError):
    """The condition names a fact the vocabulary does not have."""


class ExpressionTypeError(RuleError):
    """The condition compares or combines values of the wrong types."""


class RulesetError(RuleError):
    """The ruleset file is malformed: YAML, missing fields, duplicate ids."""


class RulesetErrors(ShequnError):
    """Every problem found while loading rulesets, reported together."""

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))
