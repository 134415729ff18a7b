# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_LINK_MODE := copy
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test test-clock audit lint format bench clean

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

# The suite runs on a fixed clock (tests/conftest.py). This runs it again at
# other instants, on SQLite: a Saturday, a Monday, the morning clocks change in
# Europe (spring) and in the United States (autumn), and 23:30 in New York. A
# test that depends on the day or hour it runs fails here.
CLOCK_INSTANTS := 2026-11-28T12:00:00+00:00 2026-11-30T08:00:00+00:00 \
	2026-03-29T01:30:00+00:00 2026-11-01T06:30:00+00:00 2026-07-15T03:30:00+00:00
# The browser, real-worker, fault, concurrency, property and whole-demo (heavy)
# tests read no calendar of their own and run once, in `make test`. The rest runs on two
# processes (pytest-xdist), each with its own SQLite database.
CLOCK_MARKERS := not e2e and not worker and not faults and not concurrency and not property \
	and not heavy
CLOCK_WORKERS ?= 2
test-clock: install
	@for now in $(CLOCK_INSTANTS); do \
		echo "== LEANOPS_TEST_NOW=$$now"; \
		env -u DATABASE_URL -u CELERY_BROKER_URL LEANOPS_TEST_NOW=$$now \
			$(VENV)/bin/pytest -q -n $(CLOCK_WORKERS) -m "$(CLOCK_MARKERS)" $(PYTEST_ARGS) \
			|| exit 1; \
	done

# The locked dependencies (dev tools included: CI runs them) against PyPI's
# advisory feed. A known vulnerability fails unless .ci/audit-allow.txt lists its
# ID with a reason. --strict: a package the feed could not be asked about fails
# too, so an audit that audited nothing never passes (AUDIT_STRICT= to relax it).
AUDIT_ALLOW := .ci/audit-allow.txt
AUDIT_STRICT ?= --strict
audit: install
	@mkdir -p var
	$(UV) export --frozen --all-groups --no-emit-project --quiet \
		-o var/audit-requirements.txt
	$(VENV)/bin/pip-audit --vulnerability-service pypi --disable-pip --require-hashes \
		--progress-spinner off $(AUDIT_STRICT) -r var/audit-requirements.txt \
		$$(sed -e 's/#.*//' $(AUDIT_ALLOW) | awk 'NF { print "--ignore-vuln", $$1 }')

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The daily pages under load (wrk) on gunicorn and PostgreSQL with the scaled
# organisation (seed_scale), against a trivial logged-in page; judges issue 9's
# targets and exits non-zero when one is missed. Its own database on the server of
# DATABASE_URL (default postgres://postgres@127.0.0.1:5432/leanops_bench), created
# and dropped by each run. Writes var/bench/result.json. Then the campaign engine
# (bench/engine.py: 100,000 due enrolments, steps/s, first and last batch) to
# var/bench/engine.json. Not part of `make test`.
bench: install
	$(VENV)/bin/python -m bench; status=$$?; \
		$(VENV)/bin/python -m bench.engine || status=$$((status > 0 ? status : $$?)); exit $$status

# The old quick look: Django's test client on SQLite (var/bench-quick/), no servers.
bench-quick: install
	$(VENV)/bin/python -m bench.quick

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(TOOLS) var
