"""Building blocks for the console tests: a small real knowledge base, the full app, files to upload."""

from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import docx
from pypdf import PdfWriter

from bot.settings import Settings
from bot.wiring import Components
from tests.helpers import KNOWLEDGE, POLICY, make_settings

TOKEN = "qV7r-Lz2k_Wm9xPb4Nt6Hs8Jd"
PLAN_ID = f"policy/{POLICY.name}"
PLAN_TITLE = "加快开源软件发展三年行动计划（2023-2025年）"
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def build_knowledge(root: Path) -> Path:
    """The action plan, the MIT and Apache-2.0 texts and the bundled FAQ: small, but real documents."""
    (root / "policy").mkdir(parents=True)
    (root / "licenses" / "texts").mkdir(parents=True)
    shutil.copy(POLICY, root / "policy" / POLICY.name)
    for licence in ("MIT.txt", "Apache-2.0.txt"):
        shutil.copy(KNOWLEDGE / "licenses" / "texts" / licence, root / "licenses" / "texts" / licence)
    shutil.copytree(KNOWLEDGE / "faq", root / "faq")
    return root


def console_settings(tmp: Path, **values) -> Settings:
    values = {"admin_enabled": True, "admin_token": TOKEN, "rate_limit_per_minute": 0, "collection": "console",
              **values}
    return make_settings(tmp / "data", knowledge_dir=tmp / "knowledge", **values)


def built_components(settings: Settings, embeddings) -> Components:
    """Components over the settings' knowledge folder, with the session's embedding model, ingested."""
    components = Components(settings)
    components.__dict__["embedder"] = embeddings  # share the loaded model (a cached_property)
    components.sync().sync([components.knowledge_dir])
    return components


def docx_bytes(title: str, sections: list[tuple[str, str]]) -> bytes:
    """A Word file: a Title paragraph, then a Heading 1 and a paragraph per section."""
    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for heading, text in sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def scanned_pdf_bytes() -> bytes:
    """A PDF with pages but no text layer, as a scanner makes them."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf(?:-token)?" (?:content|value)="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, token: str = TOKEN, **headers) -> str:
    """Sign a TestClient in through the form; returns the session's CSRF token (from a console page)."""
    form = client.get("/admin/signin")
    response = client.post("/admin/signin", data={"csrf": csrf_of(form.text), "token": token, "next": ""},
                           headers=headers, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/admin/documents").text)


def wait_job(client, job_id: str, timeout: float = 120) -> dict:
    """The job's final state (polling its JSON)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/admin/api/jobs/{job_id}").json()["job"]
        if job["state"] != "running":
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish within {timeout} s")
