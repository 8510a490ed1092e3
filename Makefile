# Two entry points: `make run` (the conformance run) and `make test` (the suite's own tests).
# Both create .venv from pyproject.toml on first use; `make install` refreshes it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install peers lab corpus-third-party

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test]'

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test]'

# ler-interop run: the embedded reference vendors, or ARGS="--vendors vendors.yaml".
run: $(BIN)/python
	$(BIN)/ler-interop run $(ARGS)

# pytest over tests/ (testpaths in pyproject.toml); extra flags via ARGS, e.g. ARGS="-n 2".
test: $(BIN)/python
	$(BIN)/python -m pytest $(ARGS)

# The peer lab's third-party implementations (Node 20+, from peers/package-lock.json).
# Without them, `make test` skips the lab with one line.
peers:
	cd peers && npm ci --no-audit --no-fund

# The peer lab alone (needs `make peers`); LER_LAB_UPDATE=1 rewrites peers/*/expected/ from the run.
lab: $(BIN)/python
	$(BIN)/python -m pytest tests/lab $(ARGS)

# The corpus family third-party (fixtures/credentials/corpus/third-party/, labels.yaml included),
# signed by the peer lab's libraries with fresh keys (needs `make peers`); the suite-signed
# families are `python -m tools.corpus`.
corpus-third-party:
	node peers/corpus/sign.mjs
