"""What the command modules share: exit codes by error class, the engine, output.

Exit codes are decided here, by the class of the error, never by its text:

- a `ShequnError` (bad facts, rulesets, exports, sources, project file), an
  `OSError` (a file that cannot be read or written) or a click usage error:
  exit 2, one `error: ...` line per problem on stderr;
- an `InternalError` or any other exception is a bug in shequn: exit 70
  (EX_SOFTWARE) with one line asking to report it; the traceback only with
  the global `--debug` flag.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, NoReturn, ParamSpec, TypeVar

import click

from shequn.report.escape import terminal, terminal_line
from shequn.errors import InternalError, ShequnError

from shequn.rules.names import SEVERITIES as SEVERITIES      # re-exported for the commands

if TYPE_CHECKING:                           # imported when first used: `shequn --help` stays quick
    from shequn.diagnose.engine import Engine
    from shequn.report.model import Report

P = ParamSpec("P")
R = TypeVar("R")

FAIL_ON = SEVERITIES + ("never",)
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70          # EX_SOFTWARE of sysexits.h
EXIT_INTERRUPTED = 130      # 128 + SIGINT, as shells report Ctrl-C


class BadInput(click.ClickException):
    """Exit 2 with one message per problem."""
    exit_code = EXIT_BAD_INPUT

    def __init__(self, messages: str | Iterable[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))

    def show(self, file: IO[Any] | None = None) -> None:
        for message in self.messages:
            click.echo(f"error: {terminal(message)}", err=True)      # it may quote a key or value of the input


def problems_of(exc: ShequnError | OSError) -> list[str]:
    """One message per problem of a library error (or of a file that cannot be read)."""
    if isinstance(exc, ShequnError):
        return exc.messages()
    name = exc.filename if exc.filename is not None else ""
    return [f"{name}: {exc.strerror}" if name and exc.strerror else str(exc)]


def debugging() -> bool:
    """Whether the global --debug flag was given (False outside a `shequn` invocation)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


def internal_error(exc: BaseException, *, debug: bool | None = None, quote_message: bool = True) -> NoReturn:
    """Report a bug in shequn and exit 70: one line, the traceback only under --debug.

    `quote_message=False` leaves the exception's text out, for errors that could quote the user's data.
    """
    if debugging() if debug is None else debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    what = f"{type(exc).__name__}: {exc}" if quote_message else type(exc).__name__
    click.echo(f"shequn: internal error, please report it: {terminal_line(what)}", err=True)
    sys.exit(EXIT_INTERNAL)


@contextlib.contextmanager
def exit_codes() -> Iterator[None]:
    """Turn errors into exit codes by class (see the module docstring)."""
    try:
        yield
    except BrokenPipeError:
        # the reader went away (`shequn check … | head`): stop quietly, as a pipeline expects
        quiet_stdout()
        sys.exit(0)
    except KeyboardInterrupt:
        # click would make it Abort, exit 1, the code for "findings": say interrupted instead
        click.echo("shequn: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise                                   # click's own: usage errors exit 2, the rest as click decides
    except InternalError as exc:
        internal_error(exc)
    except (ShequnError, OSError) as exc:
        raise BadInput(problems_of(exc)) from None
    except Exception as exc:  # noqa: BLE001 - anything else is a bug: say so, never hide it as bad input
        internal_error(exc)


def quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush cannot complain about the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """A command whose errors become exit codes by class, also when it is invoked alone."""
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with exit_codes():
            return func(*args, **kwargs)
    return wrapper


def make_engine(rulesets: Iterable[str | os.PathLike[str]] = (), select: Iterable[str] | None = (),
                ignore: Iterable[str] | None = (), thresholds: Iterable[str] = ()) -> Engine:
    from shequn.diagnose.engine import Engine
    engine = Engine(list(rulesets), select=split_selectors(select), ignore=split_selectors(ignore),
                    thresholds=parse_thresholds(thresholds))
    # the modules, rules and compiled program live as long as the command: keep the garbage
    # collector from walking them again at every collection while the reports are made
    gc.freeze()
    return engine


def parse_thresholds(values: Iterable[str]) -> dict[str, float]:
    """`RULE.name=VALUE` settings (from --threshold or the project file) as a mapping."""
    out: dict[str, float] = {}
    for item in values:
        key, sep, number = item.partition("=")
        try:
            out[key.strip()] = float(number)
        except ValueError:
            raise BadInput(f"--threshold '{item}': expected RULE.name=NUMBER, e.g. ST201.active_floor=0.15") from None
        if not sep:
            raise BadInput(f"--threshold '{item}': expected RULE.name=NUMBER, e.g. ST201.active_floor=0.15")
    return out


def split_selectors(values: Iterable[str] | None) -> list[str]:
    """Selectors given repeated or comma-separated, as one list."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def replace_file(path: str | os.PathLike[str], text: str) -> None:
    """Write a file the command produces without ever destroying the previous one: the
    text goes to a temporary file in the same folder, renamed over the old one once
    complete. BadInput (the old file kept, and said so) when it cannot be written."""
    target = Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        # a terminal, /dev/stdout or a pipe someone reads: nothing to keep, write straight to it
        try:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise BadInput(f"{path}: cannot write: {exc.strerror or exc}") from None
        return
    kept = " (the previous file is unchanged)" if target.exists() else ""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if target.exists():
            shutil.copymode(target, tmp)     # keep the old file's permissions
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise BadInput(f"{path}: cannot write: {exc.strerror or exc}{kept}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_output(text: str, output: str | None) -> None:
    if output:
        replace_file(output, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def load_report_file(path: str) -> list[Report]:
    """The reports of a report JSON file; a file that is none is bad input.

    report/diff.py signals such a file with a plain ValueError (or UnicodeDecodeError),
    so it is caught here, at the one call that reads it, not everywhere.
    """
    from shequn.report.diff import load_reports

    try:
        return load_reports(path)
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a report JSON file: not UTF-8 text") from None
    except ValueError as exc:
        raise BadInput(str(exc).splitlines()) from None


def is_report_file(path: str) -> bool:
    """Whether a file holds report JSON (else it is a facts file).

    report/diff.py's is_report_file lets a UnicodeDecodeError escape for a file that
    is not UTF-8; such a file is no report, and the facts loader says what is wrong.
    """
    from shequn.report import diff

    try:
        return diff.is_report_file(path)
    except UnicodeDecodeError:
        return False
