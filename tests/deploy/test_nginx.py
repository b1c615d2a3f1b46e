"""deploy/nginx/vcourt.conf as Debian 12's nginx (1.22) reads it: `nginx -t` accepts it, and run
in front of a real `vcourt serve` it speaks HTTP/2 over TLS, redirects plain HTTP, and passes a
WebSocket upgrade through to the signalling.

The file is used as shipped; only what must differ on a test machine is swapped, each swap
checked to have matched: the certificate paths (a self-signed pair made here), the listening
ports and the upstream address (free loopback ports)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.fixtures.live_api import LiveApi, running_api
from tests.fixtures.servers import free_port, stop_process, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "vcourt.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(),
    reason="nginx is not installed (apt-get install -y nginx, or run `make test` as root)",
)


@dataclass(frozen=True)
class Site:
    folder: Path
    main: Path  # the nginx.conf that includes ours
    https_port: int
    http_port: int


def make_site(folder: Path, upstream_port: int, https_port: int | None = None) -> Site:
    """A throwaway nginx prefix: a self-signed certificate, temp paths, and our file with the
    machine-specific parts swapped."""
    certs = folder / "ssl"
    certs.mkdir()
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=vcourt.toaan.gov.vn",
            "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    https_port, http_port = https_port or free_port(), free_port()
    ours = SHIPPED.read_text(encoding="utf-8")
    for shipped, here in [
        ("/etc/ssl/vcourt/", f"{certs}/"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};"),
    ]:
        assert shipped in ours, f"{SHIPPED.name} no longer has {shipped!r}; update this test"
        ours = ours.replace(shipped, here)
    (folder / "vcourt.conf").write_text(ours, encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/vcourt.conf;
}}
""",
        encoding="utf-8",
    )
    return Site(folder, main, https_port, http_port)


def nginx(site: Site, *args: str) -> list[str]:
    return [NGINX, "-p", str(site.folder), "-e", str(site.folder / "error.log"), "-c",
            str(site.main), *args]  # fmt: skip


def test_nginx_accepts_the_shipped_configuration(tmp_path: Path) -> None:
    site = make_site(tmp_path, upstream_port=8080)
    checked = subprocess.run(nginx(site, "-t"), capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


@pytest.fixture(scope="module")
def behind_nginx(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, LiveApi]]:
    folder = tmp_path_factory.mktemp("nginx")
    data_dir = tmp_path_factory.mktemp("nginx-api")
    https_port = free_port()
    public = f"https://127.0.0.1:{https_port}"  # how people reach vcourt: through nginx
    with running_api(sqlite_template, data_dir, VCOURT_PUBLIC_URL=public) as api:
        site = make_site(folder, upstream_port=api.port, https_port=https_port)
        proc = subprocess.Popen(nginx(site), stderr=subprocess.DEVNULL)
        try:
            try:
                wait_for_port(site.https_port, proc=proc)
            except RuntimeError as exc:
                log = (folder / "error.log").read_text(errors="replace")
                raise RuntimeError(f"nginx did not start: {exc}\n{log}") from exc
            yield site, api
        finally:
            stop_process(proc)


def curl(*args: str) -> str:
    done = subprocess.run(
        ["curl", "--silent", "--show-error", "--max-time", "20", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.slow
def test_it_serves_http2_over_tls_and_redirects_plain_http(
    behind_nginx: tuple[Site, LiveApi],
) -> None:
    site, _ = behind_nginx
    if shutil.which("curl") is None:
        pytest.fail("curl is missing; install it with: apt-get install -y curl")
    base = f"https://127.0.0.1:{site.https_port}"
    answer = curl("--http2", "--insecure", "--write-out", "\n%{http_version} %{http_code}",
                  f"{base}/healthz")  # fmt: skip
    body, _, status = answer.rpartition("\n")
    assert status == "2 200", answer
    assert '"status":"ok"' in body.replace(" ", "")
    headers = curl("--http2", "--insecure", "--head", f"{base}/api/v1/openapi.json")
    assert "strict-transport-security: max-age=31536000" in headers.lower()
    redirect = curl("--head", f"http://127.0.0.1:{site.http_port}/api/v1/docs")
    assert redirect.startswith("HTTP/1.1 301")
    assert "location: https://127.0.0.1/api/v1/docs" in redirect.lower()


@pytest.mark.slow
async def test_a_websocket_upgrade_reaches_the_signalling(
    behind_nginx: tuple[Site, LiveApi],
) -> None:
    site, _ = behind_nginx
    origin = f"https://127.0.0.1:{site.https_port}"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"wss://127.0.0.1:{site.https_port}/ws?hearing=h1",
            ssl=False,
            headers={"Origin": origin},
        ) as ws,
    ):
        await ws.send_bytes(b"\x00")  # the server answers a binary frame with an error
        reply = await ws.receive_json(timeout=10)
    assert (reply["type"], reply["code"]) == ("error", "binary_not_supported")
