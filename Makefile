# casereview: the two commands a newcomer needs are `make run` and `make test`.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/casereview/casereview/internal/app.Version=$(VERSION)
export CASEREVIEW_DATA_DIR ?= ./data

.PHONY: run test test-go test-browser chromium screenshots build generate check-generated lint-api vet fuzz bench eval clean help assets

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

# The web UI's assets: GOV.UK Frontend and MOJ Frontend from npm (package-lock.json pins them),
# copied with our own CSS and JS into frontend/dist, which the binary embeds. Rebuilt when stale.
FRONTEND_SRC := frontend/build.mjs frontend/package.json $(wildcard frontend/src/*)
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
frontend/dist/.built: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && node build.mjs
assets: frontend/dist/.built ## build the web UI's assets into frontend/dist

# The demo needs no authenticator app: MFA stays required for admin and oversight by default
# everywhere else (set CASEREVIEW_MFA_REQUIRED_ROLES to try it here).
run: assets ## start the app at http://localhost:8080 on embedded SQLite with fictional demo data and demo users
	CASEREVIEW_DEMO=$${CASEREVIEW_DEMO:-true} CASEREVIEW_MFA_REQUIRED_ROLES=$${CASEREVIEW_MFA_REQUIRED_ROLES:-none} \
		$(GO) run -ldflags "$(LDFLAGS)" . serve

test: ## run every test: the API lint, the Go tests, then the browser tests
	$(MAKE) lint-api
	$(MAKE) test-go
	$(MAKE) test-browser

# GOGC=200: the test processes collect garbage half as often (12 % less CPU for api and
# internal/web, for about a fifth more memory); set GOGC to override. -vet=off: `vet` has just run
# every analyser over every package, so go test need not run its subset again (11 s of the 100 s
# it takes to build the test binaries from cold on 2 cores).
test-go: vet check-generated ## run the Go tests (PostgreSQL too when CASEREVIEW_TEST_DATABASE_URL is set)
	GOGC=$${GOGC:-200} $(GO) test -vet=off -count=1 -timeout 15m ./...

# The browser tests drive the built binary (on demo data, in a temporary folder) with Debian's
# Chromium through playwright-core: see frontend/tests/README.md.
test-browser: build chromium ## run the browser tests (journeys, accessibility, reflow) in Chromium
	cd frontend && CASEREVIEW_BIN=$(CURDIR)/bin/casereview node --test --test-concurrency=3 tests/

# Not part of `make test`: pictures of the demo data for the README (SCREENSHOT_ROLE picks who).
screenshots: build chromium ## write docs/screenshots/*.png (1280 px, full page) from the fictional demo data
	cd frontend && CASEREVIEW_BIN=$(CURDIR)/bin/casereview node tests/screenshots.mjs

chromium: ## make sure Debian's Chromium is installed for the browser tests (CHROMIUM_PATH overrides)
	@.ci/ensure-chromium

vet: assets
	$(GO) vet ./...

build: assets ## build ./bin/casereview
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/casereview .

generate: ## regenerate the API server and models from api/openapi.yaml
	$(GO) generate ./api

# The OpenAPI lint (redocly.yaml): Redocly CLI, pinned by tools/apilint/package-lock.json, with
# casereview's own rule in tools/apilint/casereview-plugin.js. Any error or warning fails.
tools/apilint/node_modules/.package-lock.json: tools/apilint/package-lock.json
	cd tools/apilint && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
lint-api: tools/apilint/node_modules/.package-lock.json ## lint api/openapi.yaml against redocly.yaml (summaries, descriptions, tags, error answers)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true tools/apilint/node_modules/.bin/redocly lint \
		--config redocly.yaml --max-problems 500 api/openapi.yaml

check-generated: ## fail when api/api.gen.go is out of date with api/openapi.yaml
	@tmp=$$(mktemp -d) && cp api/api.gen.go $$tmp/ && $(GO) generate ./api && \
	if ! cmp -s api/api.gen.go $$tmp/api.gen.go; then \
		echo "api/api.gen.go was stale: it has been regenerated; review and commit it" >&2; rm -rf $$tmp; exit 1; fi; rm -rf $$tmp

fuzz: ## run each fuzz target for a short while
	$(GO) test -run=^$$ -fuzz=FuzzRecommendationDraftValidate -fuzztime=30s ./internal/casereview/
	$(GO) test -run=^$$ -fuzz=FuzzCreateRecommendation -fuzztime=30s ./api/
	$(GO) test -run=^$$ -fuzz=FuzzActionPlanCSV -fuzztime=30s ./internal/importer/actionplan/
	$(GO) test -run=^$$ -fuzz=FuzzActionPlanXLSX -fuzztime=30s ./internal/importer/actionplan/

# Not part of `make test`: loads BENCH_SCALE (default 100000) amplified recommendations built from
# ../shared/corpus/pfd into a fresh PostgreSQL database (BENCH_DATABASE_URL, or casereview_bench on
# the local server) and prints the DESIGN §8 figures. Skips cleanly when the corpus is absent; the
# XLSX import memory part (peak RSS of the largest accepted action plan) runs first, without either.
bench: ## run the benchmark (BENCH_SCALE=1000000 for the stress size; BENCH_SECTIONS=xlsx for XLSX memory alone)
	$(GO) run ./internal/bench/cmd/bench

eval: ## print the quality evaluation (search relevance, theme suggestions, recurrence, extraction) against independent judgements; EVAL_SECTIONS=name,… for some, EVAL_OUT=docs/eval.md to keep it
	$(GO) run ./internal/eval/cmd/eval

clean: ## remove build output and the local data folder
	rm -rf bin data frontend/dist
