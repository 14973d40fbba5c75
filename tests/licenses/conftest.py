from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.licenses.engine import LicenseEngine

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
RULE_DATA = REPO / "knowledge" / "licenses" / "engine"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return RULE_DATA


@pytest.fixture(scope="session")
def texts_dir(tmp_path_factory) -> Path:
    """A few SPDX texts; half of them with the YAML front matter the knowledge folder uses."""
    out = tmp_path_factory.mktemp("texts")
    for k, src in enumerate(sorted((DATA / "texts").glob("*.txt"))):
        text = src.read_text(encoding="utf-8")
        if k % 2 == 0:
            text = f"---\ntitle: {src.stem}\nspdx_id: {src.stem}\nkind: license\n---\n" + text
        (out / src.name).write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def engine(data_dir: Path, texts_dir: Path) -> LicenseEngine:
    return LicenseEngine(data_dir, texts_dir)


@pytest.fixture()
def copy_texts(tmp_path: Path):
    def _copy(*ids: str) -> Path:
        d = tmp_path / "texts"
        d.mkdir(exist_ok=True)
        for i in ids:
            shutil.copy(DATA / "texts" / f"{i}.txt", d / f"{i}.txt")
        return d

    return _copy
