# Two commands on a fresh machine: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= out/demo
# The demo's own store, beside its outputs, so the sample never mixes with a user's later
# runs (which use eventwatch's default store, or their own --db). DB= (empty) means that default.
DB     ?= $(OUT)/eventwatch.db
DBOPT  := $(if $(DB),--db $(DB),)
EXAMPLE := examples/belarus-lithuania-2025

.PHONY: demo serve test install bench eval train golden lock clean

install: $(VENV)/.installed

# Every dependency comes from requirements.lock, checked by hash (the spaCy model too);
# the project itself is installed editable without fetching anything else.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: install
	$(VENV)/bin/eventwatch run $(EXAMPLE) --actors $(EXAMPLE).actors.toml --out $(OUT) $(DBOPT)
	@echo
	@echo "Results: $(OUT)/events.jsonl, quotes.jsonl, documents.jsonl, actors.jsonl, claims.jsonl"
	@echo "Dashboard: $(VENV)/bin/eventwatch serve $(DBOPT)  (or: make serve), then open http://127.0.0.1:8000/"
	@echo
	@echo "To type 'eventwatch' instead of $(VENV)/bin/eventwatch, put it on your PATH, for this shell:"
	@echo "  export PATH=\"$(CURDIR)/$(VENV)/bin:\$$PATH\""
	@echo "or for good (~/.local/bin is on the PATH of most systems):"
	@echo "  mkdir -p ~/.local/bin && ln -sf $(CURDIR)/$(VENV)/bin/eventwatch ~/.local/bin/eventwatch"

# The API and dashboard over the demo's store, on loopback.
serve: install
	$(VENV)/bin/eventwatch serve $(DBOPT)

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) bench/throughput.py $(EXAMPLE)
	@if [ -f ../shared/data/temporal-dev/timebank.jsonl ]; then $(PY) bench/throughput.py ../shared/data/temporal-dev/timebank.jsonl --repeat 1; fi
	@if [ -f ../shared/data/temporal-dev/timebank.jsonl ]; then $(PY) bench/scaling.py ../shared/data/temporal-dev/timebank.jsonl; fi
	$(PY) bench/merge.py
	$(PY) bench/api_latency.py

eval: install
	$(PY) eval/events.py ../shared/data/events-dev --crisis ../shared/data/crisis-dev/inpk25

# Rebuild the learned event typer from data/training/ (CPU, deterministic, ~7 minutes):
# the word-vector table from the bundled MiniLM, then the typer itself.
train: install
	$(PY) scripts/build_word_vectors.py
	$(PY) scripts/train_events.py

golden: install
	$(PY) scripts/regen_golden.py

lock:
	./scripts/lock.sh

clean:
	rm -rf $(VENV) out .pytest_cache
