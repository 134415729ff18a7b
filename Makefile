# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_LINK_MODE := copy
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test lint format bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The locked set, dev tools included (they are small and the tests need them).
install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

run: install
	./scripts/run.sh

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Request timings and query counts on its own SQLite database (var/bench/) with a
# year of history; not part of `make test`.
bench: install
	$(VENV)/bin/python -m bench

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(TOOLS) var
