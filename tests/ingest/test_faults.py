"""Faults: kill -9 during ingest, and queries while another process ingests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from bot.retrieval.chroma_index import ChromaIndex
from bot.retrieval.knowledge import KnowledgeBase
from ingest.sync import KnowledgeSync
from tests.helpers import wait_until

INGEST_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from bot.settings import Settings
    from bot.wiring import Components
    settings = Settings(data_dir=Path(sys.argv[1]), knowledge_dir=Path(sys.argv[2]), collection=sys.argv[3],
                        _env_file=None)
    sync = Components(settings).sync()
    pause_after = int(os.environ.get("PAUSE_AFTER_COMMITS", "0"))
    if pause_after:
        real_put, count = sync.index.put_document, [0]
        def put(*args):
            real_put(*args)
            count[0] += 1
            if count[0] == pause_after:
                Path(sys.argv[1], "committed").write_text("yes")
                time.sleep(600)  # the test kills us here
        sync.index.put_document = put
    sync.sync([Path(sys.argv[2])])
""")


def _run_ingest(data: Path, knowledge: Path, collection: str, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", INGEST_SCRIPT, str(data), str(knowledge), collection],
                            env=os.environ | {k: str(v) for k, v in env.items()})


def _contents(index: ChromaIndex) -> tuple[dict[str, str], list[tuple[str, str]]]:
    docs = {d: m["hash"] for d, m in index.documents().items()}
    chunks = sorted((c.id, c.text) for c in index.all_chunks())
    return docs, chunks


def test_kill_9_during_ingest_then_rerun_equals_a_clean_ingest(settings, embeddings, kb_dir: Path):
    data = settings.data_dir
    process = _run_ingest(data, kb_dir, "killed", PAUSE_AFTER_COMMITS=1)
    deadline = time.monotonic() + 300
    while not (data / "committed").exists():
        assert process.poll() is None, "ingest ended before the kill"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    killed = ChromaIndex(settings.model_copy(update={"collection": "killed"}), embeddings)
    assert len(killed.documents()) == 1  # one document committed, the rest not at all
    snapshot = KnowledgeBase(killed).load()
    assert {p.doc_id for p in snapshot.passages} == set(killed.documents())
    report = KnowledgeSync(killed, kb_dir).sync([kb_dir])
    assert len(report.added) == 2 and report.unchanged == 1
    clean = ChromaIndex(settings.model_copy(update={"collection": "clean"}), embeddings)
    KnowledgeSync(clean, kb_dir).sync([kb_dir])
    assert _contents(killed) == _contents(clean)


def test_queries_while_another_process_ingests(settings, embeddings, kb_dir: Path):
    index = ChromaIndex(settings, embeddings)
    KnowledgeSync(index, kb_dir).sync([kb_dir])
    knowledge = KnowledgeBase(index, refresh_interval=0.2)
    mit = kb_dir / "licenses" / "MIT.txt"
    old_hash = index.documents()["licenses/MIT.txt"]["hash"]
    mit.write_text(mit.read_text() + "\nThis sentence marks the new version of the document.\n")
    errors: list[BaseException] = []
    seen_versions: list[set[str]] = []
    stop = threading.Event()

    def reader() -> None:
        vector = embeddings.embed_query("permission is hereby granted free of charge")
        while not stop.is_set():
            try:
                found = knowledge.dense("MIT licence permission", 20, vector)
                found += knowledge.sparse(["permission", "mit", "version"], 20)
                versions = {p.id.split("::")[1] for p, _ in found if p.doc_id == "licenses/MIT.txt"}
                seen_versions.append(versions)
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)
            time.sleep(0.01)

    thread = threading.Thread(target=reader)
    thread.start()
    process = _run_ingest(settings.data_dir, kb_dir, settings.collection)
    assert process.wait(300) == 0
    new_hash = index.documents()["licenses/MIT.txt"]["hash"]
    assert new_hash != old_hash
    try:  # the readers swap in the new snapshot once they notice the ingest (a reload takes a moment)
        wait_until(lambda: bool(seen_versions) and seen_versions[-1] == {new_hash[:16]}, 60,
                   what="the readers to serve the new version")
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors[:3]
    assert seen_versions and all(len(v) <= 1 for v in seen_versions)  # never two versions at once
    assert any("new version" in p.text for p in knowledge.snapshot.passages if p.doc_id == "licenses/MIT.txt")
