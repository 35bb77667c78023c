# privacybot — the make targets named in README. `make run` and `make test` set up what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run run-prod bench bench-paired train test test-fast lint format eval-kb eval-nlu validate lock clean

## install: create .venv from requirements.lock (no-op while the lock is unchanged)
install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@echo "installing the Python packages into $(VENV) from requirements.lock (once per change of the lock; 2-4 minutes) …"
	@started=$$(date +%s) && \
	{ test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); } && \
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python -r requirements.lock && \
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . && \
	echo "installed in $$(( $$(date +%s) - started )) s"
	@touch $@

## run: set up, train if needed, start every process of the assistant
run: install
	$(BIN)/privacybot run

## system-packages-*: Debian's chromium (widget tests) and haproxy (load balancer), installed when root with
## apt-get; otherwise one line says what is missing and how to install it (scripts/system-packages.sh)
.PHONY: system-packages-test system-packages-prod
system-packages-test:
	@scripts/system-packages.sh chromium haproxy

system-packages-prod:
	@scripts/system-packages.sh haproxy

## run-prod: the production profile with 2 Rasa replicas behind HAProxy (needs the PRIVACYBOT_* of README "Deployment")
run-prod: system-packages-prod install
	PRIVACYBOT_PROFILE=$${PRIVACYBOT_PROFILE:-production} $(BIN)/privacybot run --replicas $${REPLICAS:-2}

## bench: load benchmark over REST (embedded, production with 1 and 2 replicas, rasa init baseline)
bench: install train
	$(BIN)/privacybot bench --out bench-results

## bench-paired: two replicas and the rasa init baseline side by side, measured in alternation (6 repeats)
bench-paired: install train
	$(BIN)/privacybot bench --paired production-2 rasa-init --repeats $${REPEATS:-6} --out bench-results

## train: train the Rasa model (cached: skipped while data and config are unchanged)
train: install
	$(BIN)/privacybot train

## validate: Rasa's own consistency checks of domain, NLU data, rules and stories
validate: install
	$(BIN)/privacybot validate

## lint: ruff (lint + format check), mypy over bot/ and actions/, and the import rules between packages
## (import-linter, contracts in pyproject.toml [tool.importlinter])
lint: install
	$(BIN)/ruff check bot actions tests
	$(BIN)/ruff format --check bot actions tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix bot actions tests
	$(BIN)/ruff format bot actions tests

## test-fast: unit tests only (no model, no servers)
test-fast: install
	$(BIN)/pytest -m "not servers" -q

## test: everything — lint, Rasa data validation, training, unit, server and story tests
test: system-packages-test install lint validate train
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory test-clocks

## test-clocks: the unit tests again with the clock moved (tests/conftest.py --clock); fails if any run fails
CLOCKS := "2026-12-14T12:00 Europe/Berlin" "2026-12-22T23:30 Europe/Berlin" "2027-03-28T01:30 Europe/Berlin" \
          "2027-03-28T03:30 Europe/Berlin" "2028-02-29T12:00 Europe/Berlin" "+40d"
.PHONY: test-clocks
test-clocks: install
	@failed=""; for clock in $(CLOCKS); do \
	  echo "== unit tests with the clock at $$clock"; \
	  $(BIN)/pytest -m "not servers" -q --clock "$$clock" || failed="$$failed [$$clock]"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-clocks: failed with the clock at$$failed"; exit 1; fi

## eval-kb: answering on the held-out, real-world-style and German question sets, side by side with the figures before #15
eval-kb: install
	$(BIN)/privacybot eval kb

## eval-nlu: right recognition on the held-out message set, baseline comparison, cross-validation
eval-nlu: install train
	$(BIN)/privacybot eval nlu

## lock: regenerate requirements.lock from the current venv
lock:
	head -n 3 requirements.lock > requirements.lock.new
	$(BIN)/pip freeze --all --exclude-editable | grep -v -E '^(-e|pip==)' >> requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf var/run models/*.tar.gz .pytest_cache .mypy_cache .ruff_cache
