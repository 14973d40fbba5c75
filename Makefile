# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
export HF_HUB_OFFLINE = 1
export ANONYMIZED_TELEMETRY = False

.PHONY: run test install ingest bench eval lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# the CPU build of torch from local disk, before anything can pull a CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# ingest only re-embeds what changed (nothing, when the index is current); exit 1 = some files failed
run: $(STAMP)
	$(BIN)/yuanbot ingest; rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(BIN)/yuanbot serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

ingest: $(STAMP)
	$(BIN)/yuanbot ingest

bench: $(STAMP)
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/retrieval_bench.py --questions ../shared/eval/policy.jsonl

lint: $(STAMP)
	$(BIN)/ruff check bot ingest adapters tests bench

clean:
	rm -rf $(VENV) data
