"""`shequn serve` as a user runs it: a real server on a free local port, stopped with Ctrl-C."""
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.cli.serve import is_loopback, open_when_up, url_of


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path, host):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "shequn", "serve", "--host", host, "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200 and health.json()["status"] == "ok"
        bad = httpx.post(f"http://127.0.0.1:{port}/v1/evaluate", content=b"{", timeout=5)
        assert bad.status_code == 400 and bad.json()["type"] == "/docs#problem-bad-json"
        good = httpx.post(f"http://127.0.0.1:{port}/v1/evaluate", json={"community": {"name": "x"}}, timeout=5)
        assert good.status_code == 200 and good.json()["community"]["name"] == "x"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode in (0, 130), err
    assert f"http://{host}:{port}/" in out
    assert "Traceback" not in err and "Traceback" not in out
    assert ("no authentication" in err) == (host != "127.0.0.1")


def test_a_taken_port_is_bad_input():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.output


def test_only_loopback_is_quiet():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert url_of("::1", 8765) == "http://[::1]:8765/"


def test_open_waits_for_the_server(monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)

    class Server:
        started = False
        should_exit = False

    server = Server()
    open_when_up(server, "http://127.0.0.1:1/")
    time.sleep(0.2)
    assert opened == []                     # not before the server is up
    server.started = True
    deadline = time.monotonic() + 5
    while not opened and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened == ["http://127.0.0.1:1/"]
