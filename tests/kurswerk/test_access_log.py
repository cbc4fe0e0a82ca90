"""No token in a server's log: ``kurswerk serve`` (a real process, two workers) and the
demo's servers are started, asked with tokens in their URLs, and their log is read."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from kurswerk.core.log_redaction import redact
from kurswerk.devplatform import demo

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "kt": "PAGE-TOKEN-SECRET-1",
    "csrf_token": "CSRF-SECRET-2",
    "registration_token": "REGISTRATION-SECRET-3",
}


def _ask_with_tokens(base: str) -> None:
    with httpx.Client(timeout=30) as http:
        http.get(f"{base}/health", params={"kt": SECRETS["kt"], "lang": "de"})
        http.post(
            f"{base}/c/1/lessons/x/exercises/y/submissions",
            params={"kt": SECRETS["kt"], "csrf_token": SECRETS["csrf_token"]},
        )
        http.get(
            f"{base}/lti/register",
            params={
                "openid_configuration": "http://127.0.0.1:1/config",
                "registration_token": SECRETS["registration_token"],
            },
        )


def _assert_redacted(log: str) -> None:
    assert '"GET /health?kt=[redacted]&lang=de HTTP/1.1" 200' in log, log
    assert "submissions?kt=[redacted]&csrf_token=[redacted]" in log, log
    assert "&registration_token=[redacted]" in log, log
    for secret in SECRETS.values():
        assert secret not in log


def test_redact_blanks_only_the_secret_parameters():
    line = (
        "GET /c/1/x?kt=abc.def&next=/c/1&csrf_token=f00&skt=keep&registration_token=r"
        "&t=mail.link&at=keep HTTP/1.1"
    )
    assert redact(line) == (
        "GET /c/1/x?kt=[redacted]&next=/c/1&csrf_token=[redacted]&skt=keep"
        "&registration_token=[redacted]&t=[redacted]&at=keep HTTP/1.1"
    )


def test_kurswerk_serve_writes_no_token_to_its_access_log(tmp_path):
    sock = demo.bind_loopback(0)
    port = demo.port_of(sock)
    sock.close()  # the server binds it itself
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KURSWERK_ENV": "dev",
        "KURSWERK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "KURSWERK_LOG_LEVEL": "INFO",
    }
    script = Path(sys.executable).with_name("kurswerk")  # as deployments start it
    server = subprocess.Popen(
        [str(script), "serve", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert server.stdout is not None
        started = 0
        while started < 2:  # both worker processes serve
            line = server.stdout.readline()
            assert line, "the server ended before it served:\n" + "".join(lines)
            lines.append(line)
            started += "Application startup complete" in line
        _ask_with_tokens(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        rest, _ = server.communicate(timeout=60)
    log = "".join(lines) + rest
    for secret in SECRETS.values():
        assert secret not in log
    assert 'HTTP/1.1"' not in log, log  # uvicorn's own access log is off: one line each
    requests = [
        json.loads(line[line.index("{") :]) for line in log.splitlines() if '{"method"' in line
    ]
    assert {(r["method"], r["path"], r["status"]) for r in requests} >= {("GET", "/health", 200)}
    assert len(requests) == 3 and not any("?" in r["path"] for r in requests), requests


def test_one_line_per_request_without_its_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="kurswerk.access")
    client.get("/health", params={"kt": SECRETS["kt"]})
    client.get("/this-does-not-exist?kt=x")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "kurswerk.access"]
    assert [(r["method"], r["path"], r["status"]) for r in lines] == [
        ("GET", "/health", 200),
        ("GET", "/this-does-not-exist", 404),
    ]
    assert all(r["bytes"] > 0 and r["ms"] >= 0 for r in lines)
    assert SECRETS["kt"] not in caplog.text


def test_an_operator_silences_it_by_raising_the_level(client, caplog):
    caplog.set_level(logging.WARNING, logger="kurswerk.access")
    client.get("/health")
    assert [r for r in caplog.records if r.name == "kurswerk.access"] == []


def test_the_demo_servers_write_no_token_to_their_access_log(app, capsys):
    tool_socket = demo.bind_loopback(0)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    serving = demo.serve([(app, tool_socket)], stop=stop, log_level="info")
    thread = threading.Thread(target=loop.run_until_complete, args=(serving,), daemon=True)
    thread.start()
    try:
        _ask_with_tokens(f"http://127.0.0.1:{demo.port_of(tool_socket)}")
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
        loop.close()
    assert not thread.is_alive()
    captured = capsys.readouterr()
    _assert_redacted(captured.out + captured.err)
