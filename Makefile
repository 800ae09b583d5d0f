# Two commands on a fresh machine: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= out/demo
EXAMPLE := examples/belarus-lithuania-2025

.PHONY: demo test install bench eval golden lock clean

install: $(VENV)/.installed

# Every dependency comes from requirements.lock, checked by hash (the spaCy model too);
# the project itself is installed editable without fetching anything else.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: install
	$(VENV)/bin/eventwatch run $(EXAMPLE) --actors $(EXAMPLE).actors.toml --out $(OUT)

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) bench/throughput.py $(EXAMPLE)

eval: install
	$(PY) eval/events.py

golden: install
	$(PY) scripts/regen_golden.py

lock:
	./scripts/lock.sh

clean:
	rm -rf $(VENV) out .pytest_cache
