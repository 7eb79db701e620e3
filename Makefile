# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: demo test install install-dev lint messages serve bytecode

$(BIN)/grassroots: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/grassroots

install: $(BIN)/grassroots bytecode

# The product's own modules compiled once, as a deployment would: an editable install leaves
# them uncompiled, and where PYTHONDONTWRITEBYTECODE is set every process (each command, the
# worker, each test worker) would compile them again, about 0.1 s at every start.
bytecode: $(BIN)/grassroots
	$(BIN)/python -m compileall -q src >/dev/null

$(VENV)/.dev-installed: pyproject.toml $(BIN)/grassroots
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install-dev: $(VENV)/.dev-installed bytecode

# The web server and the background worker (imports, exports, report packs, daily jobs)
# side by side; Ctrl-C stops both.
define SERVE_WITH_WORKER
	$(BIN)/grassroots worker --no-startup-delay & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/grassroots runserver --insecure 127.0.0.1:$(PORT)
endef

demo: install
	$(BIN)/grassroots migrate --no-input
	$(BIN)/grassroots demo
	$(SERVE_WITH_WORKER)

serve: install
	$(SERVE_WITH_WORKER)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-dev lint
	$(BIN)/grassroots makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q --durations=15

messages: install-dev
	cd src/grassroots && ../../$(BIN)/grassroots makemessages -l vi -l de --no-obsolete --add-location file -i "static/*"
	cd src/grassroots && ../../$(BIN)/grassroots compilemessages
