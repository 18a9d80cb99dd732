# Shipdeck — two commands: `make run` (the whole app on this machine) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/uv/bin/uv)
PYTEST := $(UV) run --frozen pytest
MYSQL_TEST_URL ?= mysql+asyncmy://root@127.0.0.1:3306/test?charset=utf8mb4

.PHONY: help setup system-deps run test lint test-backend test-backend-sqlite test-backend-mysql \
	test-local openapi migration clean fuzz audit

include infra/infra.mk
include frontend/frontend.mk
include bench/bench.mk
include drills/drills.mk

help:
	@echo "make run    start Shipdeck on http://127.0.0.1:8000 (DynamoDB-API server, simulators, API, web app)"
	@echo "make test   lint, type-check and run every test suite"
	@echo "make setup  install the Python and Node dependencies only"
	@echo "make bench  benchmarks (docs/performance.md);  make drill  HA and fault drills (docs/operations.md)"

# uv is the package manager; when it is not installed, it goes into a private virtualenv here.
$(CURDIR)/.tools/uv/bin/uv:
	python3 -m venv .tools/uv
	.tools/uv/bin/pip install --quiet uv

.tools/python.stamp: $(filter $(CURDIR)/.tools/uv/bin/uv,$(UV)) pyproject.toml uv.lock backend/pyproject.toml local/pyproject.toml infra/pyproject.toml
	$(UV) sync --all-packages --frozen
	@mkdir -p .tools && touch $@

local/node_modules/.package-lock.json: local/package.json local/package-lock.json
	npm ci --prefix local --no-audit --no-fund

setup: .tools/python.stamp local/node_modules/.package-lock.json

# Debian packages the tests use: chromium (browser journeys), haproxy (load-balancer stand-in),
# graphviz (architecture diagram).
SYSTEM_PACKAGES := chromium haproxy graphviz
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "missing Debian packages:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

run: setup frontend-build
	$(UV) run --frozen python -m shipdeck_local.stack

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy backend/shipdeck local/shipdeck_local infra/shipdeck_infra bench drills

test-backend-sqlite: setup
	SHIPDECK_TEST_DATABASE=sqlite $(PYTEST) backend/tests -q -n 2

test-backend-mysql: setup
	@$(UV) run --frozen python -c "import socket; socket.create_connection(('127.0.0.1', 3306), 2)" 2>/dev/null \
		|| { echo "MariaDB/MySQL is not reachable on 127.0.0.1:3306 (start it; .ci/run does)"; exit 1; }
	SHIPDECK_TEST_DATABASE=mysql SHIPDECK_TEST_MYSQL_URL='$(MYSQL_TEST_URL)' $(PYTEST) backend/tests -q -n 2

test-backend: test-backend-sqlite test-backend-mysql

test-local: setup
	$(PYTEST) local/tests -q -n 2

# drill-ci stops and restarts MariaDB: it runs after the suites that use it, never alongside.
test: system-deps lint test-backend test-local test-infra test-frontend drill-ci audit

# Long property-based run of the whole API (schemathesis), fresh examples each time.
fuzz: setup
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} FUZZ_RANDOM=1 $(PYTEST) backend/tests/test_schemathesis.py -q

# Known vulnerabilities in the locked dependencies (pip-audit, npm audit: high and critical).
# Both need their vulnerability service; where it cannot be reached the check says so and is
# not counted as passed or failed.
audit: setup frontend-setup local/node_modules/.package-lock.json
	@$(UV) export --frozen --all-packages --format requirements-txt --no-hashes --no-emit-workspace > .tools/requirements.txt
	@out=$$($(UV) run --frozen pip-audit -r .tools/requirements.txt --no-deps --disable-pip --progress-spinner off 2>&1); rc=$$?; \
	total=$$(grep -c '^[A-Za-z0-9]' .tools/requirements.txt); missing=$$(echo "$$out" | grep -c "could not be audited"); \
	if [ "$$missing" -ge "$$total" ]; then echo "pip-audit: vulnerability data unreachable from this machine; not checked"; \
	elif [ $$rc -ne 0 ]; then echo "$$out"; exit 1; \
	else echo "pip-audit: no known vulnerabilities in $$((total - missing)) of $$total packages ($$missing could not be looked up)"; fi
	@for dir in frontend local; do \
		out=$$(cd $$dir && npm audit --audit-level=high 2>&1); rc=$$?; \
		if echo "$$out" | grep -q "audit endpoint returned an error"; then echo "npm audit ($$dir): advisory service unreachable from this machine; not checked"; \
		elif [ $$rc -ne 0 ]; then echo "$$out"; exit 1; else echo "npm audit ($$dir): no high or critical findings"; fi; \
	done

openapi: setup
	$(UV) run --frozen shipdeck openapi > docs/openapi.json

# make migration m="add releases"
migration: setup
	cd backend && $(UV) run --frozen alembic revision --autogenerate -m "$(m)"

clean:
	rm -rf .tools .data local/node_modules
