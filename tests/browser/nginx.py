"""A real nginx on 127.0.0.1 in front of app servers, configured by the
shipped ``deploy/nginx.conf`` (its upstream servers and port swapped in)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.helpers import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"
# What the access log records: the browser's key, where nginx sent the
# request, the request and its status (a WebSocket is logged when it closes).
LOG_FORMAT = "'$dlp_server $upstream_addr \"$request_uri\" $status'"
MAIN = """
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    log_format routes {log_format};
    access_log {prefix}/access.log routes;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""


def require_nginx() -> None:
    """Skips without nginx, unless ``DLP_REQUIRE_NGINX=1`` (CI) makes it a failure."""
    if os.path.exists(NGINX):
        return
    reason = "the load-balancer test needs nginx; install: apt-get install nginx"
    if os.environ.get("DLP_REQUIRE_NGINX") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def site_config(upstreams: list[str], port: int) -> str:
    """``deploy/nginx.conf`` with these upstream servers and listening port."""
    text = SITE.read_text()
    servers = "".join(f"    server {address};\n" for address in upstreams)
    text, count = re.subn(r"(?:    server 127\.0\.0\.1:\d+;\n)+", servers, text)
    assert count == 1, "deploy/nginx.conf: the upstream's server lines were not found"
    text, count = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", text)
    assert count == 1, "deploy/nginx.conf: 'listen 80;' was not found"
    return text


@contextmanager
def nginx_proxy(upstreams: list[str], prefix: Path) -> Iterator[tuple[str, Path]]:
    """Runs nginx with the shipped site config in front of ``upstreams``.

    Args:
        upstreams: ``host:port`` of each app server.
        prefix: A directory for nginx's config, logs and temp files.

    Yields:
        ``(base_url, access_log)``.
    """
    port = free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site_config(upstreams, port))
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix, user=user, log_format=LOG_FORMAT))
    check = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")], start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, (prefix / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not answer"
                time.sleep(0.1)
        yield url, prefix / "access.log"
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: writes the open WebSockets' log lines
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def routes(access_log: Path) -> list[tuple[str, str, str, str]]:
    """The access log as ``(browser key, upstream, request, status)`` rows."""
    rows = []
    for line in access_log.read_text().splitlines():
        key, upstream, rest = line.split(" ", 2)
        request, status = rest.rsplit(" ", 1)
        rows.append((key, upstream, request.strip('"'), status))
    return rows
