"""Check that every FAQ entry cites clauses that exist in the knowledge base (the FAQ lint).

Usage (from the repository root):  .venv/bin/python bench/faq_refs.py [--kb knowledge]
The same check as `yuanbot kb lint-faq` and tests/ingest/test_faq_lint.py: the referenced documents are
chunked as ingest chunks them and every reference is resolved by the answering code's ClauseIndex.
The clause-reference grammar is documented in knowledge/faq/README.md and bot/retrieval/clause_refs.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.faq_lint import main as lint


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=Path(__file__).resolve().parent.parent / "knowledge")
    return lint(parser.parse_args().kb)


if __name__ == "__main__":
    sys.exit(main())
