# Two commands for a newcomer: `make demo` and `make test` (see README.md).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_DB ?= .demo/supportstats.duckdb
PORT ?= 8501
# The dashboard shows customer data: this computer only, unless ADDRESS=0.0.0.0 shares it.
ADDRESS ?= 127.0.0.1

.PHONY: demo test lint format bench clean browser java notebooks

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium drives the browser tests; Playwright's own browser download is not used.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium: browser tests will be skipped."; \
	fi

# The Spark differential tests need PySpark (the spark extra, a 456 MB source archive: about
# 25 s to install) and a Java 17 runtime; `make demo` needs neither. Without them those tests
# are skipped, and this says so loudly; the stamp is left unset so the next run tries again.
TEST_STAMP := $(VENV)/.installed-test

$(TEST_STAMP): $(STAMP)
	@if $(BIN)/python -m pip install --quiet -e '.[dev,spark]'; then touch $(TEST_STAMP); else \
		echo "********************************************************************" >&2; \
		echo "* Could not install the spark extra (pyspark, sqlglot):             *" >&2; \
		echo "* the Spark differential tests will be SKIPPED.                     *" >&2; \
		echo "********************************************************************" >&2; \
	fi

# Debian's Java 17 runtime for PySpark, installed as Chromium is for the browser tests.
java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing the Java 17 runtime for the Spark tests (apt-get)..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
		|| { echo "********************************************************************" >&2; \
		     echo "* Could not install openjdk-17-jre-headless (no java on PATH):      *" >&2; \
		     echo "* the Spark differential tests will be SKIPPED.                     *" >&2; \
		     echo "********************************************************************" >&2; }; \
	fi

demo: $(STAMP)
	$(BIN)/supportstats demo --db $(DEMO_DB)
	$(BIN)/streamlit run dashboards/streamlit_app.py --server.headless true --server.port $(PORT) \
		--server.address $(ADDRESS) \
		--browser.gatherUsageStats false -- --db $(DEMO_DB)

# Run the notebooks against the demo warehouse and save them with their outputs (tables, the
# sentences that read them, figures as PNG), as committed; again after changing a code cell.
notebooks: $(STAMP) browser
	$(BIN)/python notebooks/execute.py --db $(DEMO_DB)

# One pytest worker per core (pytest-xdist); an idle worker takes tests queued for a busy one.
# The slowest tests are listed at the end, to watch the 10-minute CI budget.
TEST_WORKERS ?= auto

test: $(STAMP) $(TEST_STAMP) browser java
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal --durations=15

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A quick pass over every benchmark (minutes); the README gives the full-size commands.
BENCH_STAMP := $(VENV)/.installed-bench

# The benchmarks' peers (pyworkforce, ciw, statsmodels) come from the bench extra.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/import_bench.py --rows 1000000
	$(BIN)/python bench/vendor_import_bench.py --rows 100000
	$(BIN)/python bench/metrics_bench.py --conversations 1000000
	$(BIN)/python bench/staffing_bench.py
	$(BIN)/python bench/schedule_bench.py --time-limit 20
	$(BIN)/python bench/simulate_bench.py --quick
	$(BIN)/python bench/forecast_accuracy_bench.py --quick
	$(BIN)/python bench/facts_bench.py --conversations 100000 --repeat 1
	$(BIN)/python bench/dashboard_bench.py --conversations 100000 --repeat 1

clean:
	rm -rf $(VENV) .demo .pytest_cache .ruff_cache
