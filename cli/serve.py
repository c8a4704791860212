"""`shequn serve`: the operator's page and the HTTP API on a local address, until Ctrl-C."""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
import webbrowser
from typing import TYPE_CHECKING

import click

from shequn.cli._common import BadInput, handle_errors, make_engine

if TYPE_CHECKING:
    import uvicorn


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, opened here so a taken port is bad input (exit 2), not a server crash."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise BadInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def open_when_up(server: uvicorn.Server, url: str) -> None:
    """Open the browser once the server answers (uvicorn sets `started`), from a side thread."""
    def wait() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            webbrowser.open(url)
    threading.Thread(target=wait, daemon=True, name="open-browser").start()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address exposes an API without authentication.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free port).")
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder (repeatable).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser once the server is up.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="The page's first language and the API's default ?lang.")
@handle_errors
def serve(host: str, port: int, rulesets: tuple[str, ...], open_browser: bool, lang: str) -> None:
    """Serve the operator's page and the HTTP API (docs at /docs) until Ctrl-C.

    One compiled Engine answers every request; nothing is stored on the server.

    \b
    shequn serve --open
    shequn serve --port 9000 --ruleset our-rules/
    """
    import uvicorn

    from shequn.serve.app import create_app

    engine = make_engine(rulesets)              # a broken ruleset is bad input before anything listens
    sock = bind(host, port)
    url = url_of(host, sock.getsockname()[1])
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}, not only this machine: the API has no authentication; "
                   "anyone who can reach this address can use it", err=True)
    app = create_app(engine, lang=lang)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    click.echo(f"shequn serve: {url}  (API docs: {url}docs; Ctrl-C to stop)")
    if open_browser:
        open_when_up(server, url + ("?lang=zh" if lang == "zh" else ""))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass                # uvicorn stopped cleanly, then passed the Ctrl-C on: it is how a server is stopped
    finally:
        sock.close()
    click.echo("shequn serve: stopped", err=True)
