# ntm-analysis: `make help` lists the targets.
# The two commands of the README:
#   make run    set up and run the main job on the embedded 2023 plan
#   make test   set up and run every test (installs Debian chromium for the browser test)
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866
OUT    ?= reports
PYTEST_ARGS ?=

.PHONY: help setup run validate build report test browser dashboard lab bench score clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ntm)" >/dev/null
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its test tools

run: $(STAMP) ## validate, build data/processed and write the briefing pack from the embedded plan
	$(BIN)/ntm validate
	$(BIN)/ntm build
	$(BIN)/ntm summary
	@if $(BIN)/ntm report --help >/dev/null 2>&1; then $(BIN)/ntm report --out $(OUT); fi

validate: $(STAMP) ## check the embedded workbook (or DATA=path.xlsx)
	$(BIN)/ntm validate $(DATA)

build: $(STAMP) ## write the tidy CSV tables to data/processed/
	$(BIN)/ntm build

report: $(STAMP) ## write charts, Excel workbook, slides and summary to reports/
	$(BIN)/ntm report --out $(OUT)

browser: ## install Debian chromium for the browser test (needs root or sudo)
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	else SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; fi

test: $(STAMP) browser ## run every test: unit, property, notebooks, then the browser test on its own
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

dashboard: $(STAMP) ## serve the what-if notebook as a page without code on 127.0.0.1:$(PORT)
	$(BIN)/python -m ntm_analysis.dashboard --port=$(PORT)

lab: $(STAMP) ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --no-browser $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: $(STAMP) ## time load and every analysis at 13 to 100,000 communes
	$(BIN)/python benchmarks/bench.py

score: $(STAMP) ## score ntm extract on the test documents, one line each, and time a 100-page document
	$(BIN)/python benchmarks/extract_score.py

clean: ## remove the virtual env, reports and processed data
	rm -rf $(VENV) $(OUT) data/processed/*.csv .pytest_cache
