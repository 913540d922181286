# The two commands a newcomer needs (see README):  make run   and   make test
# Each builds the virtual environment from requirements.lock first when it is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: run test lab validate layers place-names incidents record bench lock clean

run: $(READY)            ## the main job: validate, execute the notebooks (cached), write build/figures and build/site
	$(BIN)/python -m karabakh report

test: $(READY)           ## every test: unit, bad inputs, layers, figures, notebooks (nbval), the site in a browser
	.ci/offline $(BIN)/python -m pytest

lab: $(READY)            ## open JupyterLab on the notebooks with the project's kernel (offline)
	JUPYTER_CONFIG_PATH=$(CURDIR)/.jupyter-lab $(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.open_browser=False $(if $(filter 0,$(shell id -u)),--allow-root) \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate \
	  --LabApp.extension_manager=readonly

validate: $(READY)       ## check every table, layer and raw extract, and data/SHA256SUMS
	$(BIN)/python -m karabakh validate

layers: $(READY)         ## rebuild data/layers/ from the extracts in data/raw/ (offline, byte-identical)
	$(BIN)/python -m karabakh build-layers

place-names: $(READY)    ## rebuild data/place_names.csv from place_names_curated.csv, places.csv and GeoNames in data/raw/ (offline)
	$(BIN)/python -m karabakh build-place-names

incidents: $(READY)      ## rebuild incidents.csv, sectors.csv and timeline.csv from Crisis Group's files in data/raw/ (offline)
	$(BIN)/python -m karabakh.build.incidents

record: incidents        ## rebuild incidents_pre2020, detentions, excess_deaths_2020, unhcr_displacement from data/raw/ (offline)
	$(BIN)/python -m karabakh.build.record

bench: $(READY)          ## benchmark scripts (print their tables; `benchmarks/bench_site.py --test` times make test too)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

$(READY): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(READY)

lock:                    ## re-resolve requirements.in into requirements.lock (needs the network to PyPI)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -r requirements.in
	(echo "# Exact pins for Python 3.11 (pip freeze of a venv built from requirements.in). Regenerate: make lock"; \
	 .venv-lock/bin/python -m pip freeze --exclude-editable --all | grep -v "^pip==") > requirements.lock
	rm -rf .venv-lock

clean:                   ## remove the build folder: the site, the figures and the execution cache
	rm -rf build
