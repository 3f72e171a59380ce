# gaoxin — two commands: `make demo` serves the demo zone, `make test` runs the whole suite.
PORT ?= 8000
GAOXIN_DATA_DIR ?= var
export GAOXIN_DATA_DIR
VENV := .venv
GX := $(VENV)/bin/gaoxin
# The demo runs on plain HTTP on this machine only.
DEMO_ENV := GAOXIN_HTTPS=0 GAOXIN_DEBUG=0

.PHONY: demo setup setup-test test test-sqlite test-postgres lint serve clean guide-shots

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh test

demo: setup
	@$(DEMO_ENV) $(GX) migrate --noinput -v0
	@$(DEMO_ENV) $(GX) collectstatic --noinput -v0
	@$(DEMO_ENV) $(GX) demo --if-empty --seed 2020
	@$(MAKE) --no-print-directory serve

serve:
	@echo "演示园区: http://127.0.0.1:$(PORT)/   （Ctrl-C 停止）"
	@$(DEMO_ENV) $(GX) db_worker --interval 1 --no-startup-delay > $(GAOXIN_DATA_DIR)/worker.log 2>&1 & \
	  WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(DEMO_ENV) $(VENV)/bin/gunicorn gaoxin.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
	    --access-logfile - --error-logfile -

test: setup-test
	@scripts/test.sh

lint: setup-test
	@$(VENV)/bin/ruff check src tests bench
	@$(VENV)/bin/ruff format --check src tests bench
	@GAOXIN_TESTING=1 $(VENV)/bin/mypy

# Screenshots for docs/guide/ from a throwaway demo zone (needs the test setup's Chromium).
guide-shots: setup-test
	@PYTHONPATH=src $(VENV)/bin/python scripts/screenshots.py

clean:
	rm -rf $(VENV) node_modules
