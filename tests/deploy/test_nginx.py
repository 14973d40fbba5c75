"""deploy/nginx.conf with Debian's nginx in front of the real app (issue 16, item 3's deploy part).

The file is checked with `nginx -t`, then served on loopback with the upstream names (api1, api2) and
the listen ports swapped for local ones: /metrics and /admin are not published on the public port, each
client keeps its own rate-limit budget whatever X-Forwarded-For it sends, and the staff port serves all.
Skipped where no nginx binary is installed (.ci/run installs nginx-light).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.api.app import create_app
from bot.services import Services
from tests.fakes import FakeAssistant, FakeQuestionLog
from tests.helpers import REPO, free_port, make_settings, serve, stop_process, wait_until

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx (apt-get install nginx-light)")
CONF = REPO / "deploy" / "nginx.conf"
ASK = {"question": "开源人才有住房支持吗？"}


def local_conf(tmp: Path, upstream: str, public: int, staff: int) -> Path:
    """deploy/nginx.conf inside a main config of its own, pointed at loopback addresses and files in tmp."""
    site = CONF.read_text()
    site = re.sub(r"server api[12]:8000", f"server {upstream}", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{public};").replace("listen 8001;", f"listen 127.0.0.1:{staff};")
    site = site.replace("/var/log/nginx/", f"{tmp}/")
    (tmp / "site.conf").write_text(site)
    main = tmp / "nginx.conf"
    main.write_text(f"""user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{}}
http {{
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")
    return main


def test_the_config_is_valid(tmp_path):
    result = subprocess.run([NGINX, "-t", "-c", str(local_conf(tmp_path, "127.0.0.1:9", 80, 8001))],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


@contextlib.contextmanager
def behind_nginx(tmp: Path, app) -> Iterator[tuple[str, str]]:
    """The app served on loopback with nginx in front: (public URL, staff URL)."""
    public, staff = free_port(), free_port()
    with serve(app) as url:
        main = local_conf(tmp, url.removeprefix("http://"), public, staff)
        proc = subprocess.Popen([NGINX, "-c", str(main), "-g", "daemon off;"], stderr=subprocess.PIPE)
        try:
            wait_until(lambda: _answers(f"http://127.0.0.1:{public}/healthz"), 10, what="nginx")
            yield f"http://127.0.0.1:{public}", f"http://127.0.0.1:{staff}"
        finally:
            stop_process(proc)


def test_behind_nginx(tmp_path):
    settings = make_settings(data_dir=tmp_path, trusted_proxies=["127.0.0.1"], rate_limit_per_minute=3)
    app = create_app(Services(settings=settings, assistant=FakeAssistant(), question_log=FakeQuestionLog()))
    with behind_nginx(tmp_path, app) as (front, back):
        with httpx.Client() as client:
            for path in ("/metrics", "/admin", "/admin/report", "//admin/report", "/%61dmin/report",
                         "/metrics?x=1"):
                hidden = client.get(front + path)
                assert hidden.status_code == 404 and "nginx" in hidden.text, path  # nginx's own page
            assert client.get(back + "/metrics").status_code == 200  # the staff port reaches the app
            assert client.get(front + "/docs").status_code == 200  # docs_enabled: passed through
            assert client.get(front + "/openapi.json").json()["info"]["title"]
            big = client.post(front + "/api/ask", content=b"x" * 100_000)
            assert big.status_code == 413
        # X-Forwarded-For from a client is replaced with the address nginx sees: one budget per client
        budgets = {}
        for peer in ("127.0.0.2", "127.0.0.3"):
            transport = httpx.HTTPTransport(local_address=peer)
            with httpx.Client(transport=transport) as client:
                budgets[peer] = [client.post(f"{front}/api/ask", json=ASK,
                                             headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                                 for n in range(4)]
        assert budgets == {"127.0.0.2": [200, 200, 200, 429], "127.0.0.3": [200, 200, 200, 429]}
    access = (tmp_path / "access.log").read_text()
    assert "/metrics?x=1" not in access and "/metrics " in access  # logged without query strings


def test_docs_off_behind_nginx(tmp_path):
    """With YUANBOT_DOCS_ENABLED=false neither the page nor the schema is reachable, on either port."""
    settings = make_settings(data_dir=tmp_path, trusted_proxies=["127.0.0.1"], docs_enabled=False)
    app = create_app(Services(settings=settings, assistant=FakeAssistant(), question_log=FakeQuestionLog()))
    with behind_nginx(tmp_path, app) as (front, back), httpx.Client() as client:
        for base in (front, back):
            for path in ("/docs", "/openapi.json", "/docs-assets/swagger-ui-bundle.js"):
                assert client.get(base + path).status_code == 404, base + path
            assert client.get(base + "/healthz").status_code == 200


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
