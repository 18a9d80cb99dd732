# Web app targets (frontend/), included by the root Makefile.
#   make frontend-setup   install the web app's Node dependencies (npm ci)
#   make frontend-build   build the static site into frontend/dist (the local run serves it)
#   make frontend-client  regenerate the typed API client from the backend's OpenAPI document
#   make test-frontend    type check, unit tests, stale-client check, bundle budget, then the
#                         browser journeys (real Chromium, real local stack) with axe checks
#   make screenshots      the browser journeys, writing docs/screenshots/*.png
# Needs the Debian package `chromium` (/usr/bin/chromium; override with CHROMIUM=...).

FRONTEND_DIR := frontend
CHROMIUM ?= /usr/bin/chromium

.PHONY: frontend-setup frontend-build frontend-client frontend-dev test-frontend test-frontend-unit \
	test-frontend-e2e frontend-size screenshots

$(FRONTEND_DIR)/node_modules/.package-lock.json: $(FRONTEND_DIR)/package.json $(FRONTEND_DIR)/package-lock.json
	npm ci --prefix $(FRONTEND_DIR) --no-audit --no-fund

frontend-setup: $(FRONTEND_DIR)/node_modules/.package-lock.json

frontend-build: frontend-setup
	cd $(FRONTEND_DIR) && npm run build

frontend-client: setup frontend-setup
	cd $(FRONTEND_DIR) && UV=$(UV) npm run client

# The dev server on http://localhost:4321, proxying /api to a `make run` on 127.0.0.1:8000.
frontend-dev: frontend-setup
	cd $(FRONTEND_DIR) && npm run dev

frontend-size: frontend-build
	cd $(FRONTEND_DIR) && node scripts/bundle-size.mjs --budget=project:100

test-frontend-unit: setup frontend-setup
	cd $(FRONTEND_DIR) && npm run check
	cd $(FRONTEND_DIR) && npm test
	cd $(FRONTEND_DIR) && UV=$(UV) npm run client:check

test-frontend-e2e: setup frontend-build
	@test -x $(CHROMIUM) || { echo "Chromium is not at $(CHROMIUM): apt-get install chromium (or CHROMIUM=/path/to/chromium)"; exit 1; }
	cd $(FRONTEND_DIR) && node scripts/bundle-size.mjs --budget=project:100
	cd $(FRONTEND_DIR) && CHROMIUM_PATH=$(CHROMIUM) npm run e2e

test-frontend: test-frontend-unit test-frontend-e2e

# The browser journeys again, photographing the main screens into docs/screenshots/.
screenshots: setup frontend-build
	cd $(FRONTEND_DIR) && CHROMIUM_PATH=$(CHROMIUM) SCREENSHOTS_DIR=$(abspath docs/screenshots) npm run e2e
