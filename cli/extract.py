"""``shequn facts extract``: facts from chat exports and WeCom group statistics."""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Callable, Optional

import click

from shequn.cli._common import BadInput, handle_errors, internal_error, replace_file

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar          # what click.progressbar returns

PROGRESS_MIN_BYTES = 4 * 1024 * 1024


class _ProgressBars:
    """`extract_facts`'s progress: `start(label, total_bytes)` gives the callable taking the bytes read."""

    def __init__(self) -> None:
        self._bars: list[ProgressBar[int]] = []

    def start(self, label: str, total: int) -> Callable[[int], None] | None:
        for b in self._bars:
            b.render_finish()
        self._bars.clear()
        if total < PROGRESS_MIN_BYTES:
            return None
        bar = click.progressbar(length=total, label=f"reading {label}", file=sys.stderr)
        bar.__enter__()
        self._bars.append(bar)
        return bar.update

    def finish(self) -> None:
        for b in self._bars:
            b.render_finish()


def _progress_factory() -> _ProgressBars | None:
    """Progress bars on stderr for files over a few MB, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    return _ProgressBars()


def render(facts: dict[str, Any], provenance: dict[str, Any], fmt: str) -> str:
    doc = dict(facts)
    doc["provenance"] = provenance
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    import yaml
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


@click.command("extract")
@click.argument("exports", nargs=-1, required=True, metavar="EXPORT...")
@click.option("--staff", multiple=True, metavar="ID_OR_NAME,...",
              help="Staff (owner, admins, operators) by id or display name; comma-separated, repeatable.")
@click.option("--staff-file", metavar="FILE", help="Staff ids or names, one per line (# comments).")
@click.option("--staff-role", "staff_roles", multiple=True, metavar="NAME",
              help="Discord: authors with this role are staff; repeatable.")
@click.option("--as-of", metavar="ISO-8601", help="End of the window (default: the last timestamp; no offset = UTC).")
@click.option("--days", type=float, default=30, show_default=True, help="Length of the window in days.")
@click.option("--name", help="community.name (default: the export's group name).")
@click.option("--members", type=int, help="size.members, when the exports cannot tell.")
@click.option("--ad-pattern", "ad_patterns", multiple=True, metavar="REGEX",
              help="A message matching this regular expression is an advertisement; repeatable.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default=None,
              help="Output format (default: from -o's suffix, else yaml).")
@click.option("-o", "--output", metavar="FILE", help="Write the facts file here instead of stdout.")
@handle_errors
def extract(exports: tuple[str, ...], staff: tuple[str, ...], staff_file: Optional[str], staff_roles: tuple[str, ...],
            as_of: Optional[str], days: float, name: Optional[str], members: Optional[int],
            ad_patterns: tuple[str, ...], fmt: Optional[str], output: Optional[str]) -> None:
    """Measure facts from chat exports (WeChatMsg/MemoTrace CSV, Telegram Desktop
    result.json, DiscordChatExporter JSON) or WeCom group statistics.

    Several EXPORT files are the groups of one community. Prints a facts file
    with a provenance block; never copies message text, names or ids.
    """
    from shequn.facts.exports import ExportError, extract_facts

    if fmt is None:
        fmt = "json" if output and output.lower().endswith(".json") else "yaml"
    progress = _progress_factory()
    try:
        facts, prov = extract_facts(list(exports), staff=staff, staff_file=staff_file,
                                    staff_roles=staff_roles, as_of=as_of, days=days, name=name,
                                    members=members, ad_patterns=ad_patterns,
                                    progress=progress.start if progress is not None else None)
    except ExportError:
        raise
    except MemoryError:
        raise BadInput("out of memory while reading the exports") from None
    except Exception as exc:  # noqa: BLE001 - a bug; its message is left out: it could quote the exports
        internal_error(exc, quote_message=False)
    finally:
        if progress is not None:
            progress.finish()
    for note in prov.get("notes", ()):
        click.echo(f"note: {note}", err=True)
    text = render(facts, prov, fmt)
    if output:
        replace_file(output, text)
    else:
        click.echo(text, nl=False)
