# newsdex: see README.md.
GO        ?= go
BIN       := bin
DEMO_INDEX ?= demo.bleve
ADDR      ?= 127.0.0.1:8080
STATICCHECK_VERSION := v0.8.2

.PHONY: all build test bench run lint fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/index ./cmd/search

# The README's test command: unit, golden, end-to-end, README-example and
# browser tests. The browser test skips without a chromium; say so, last.
CHROMIUM := $(or $(NEWSDEX_CHROMIUM),$(shell command -v chromium chromium-browser google-chrome google-chrome-stable 2>/dev/null | head -n1))
test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...
ifeq ($(CHROMIUM),)
	@echo "make test: the browser test (internal/server TestBrowser) was SKIPPED: no chromium found (apt-get install chromium, or set NEWSDEX_CHROMIUM)"
else
	@echo "make test: the browser test ran with $(CHROMIUM)"
endif

# Benchmarks on the shared corpus, side by side with plain bleve and SQLite
# FTS5 (separate modules under bench/peers); writes BENCHMARKS.md and
# bench/results.json, at 1x, 4x, 16x and 64x (about 1M articles). About 20 minutes on 2 cores. BENCHFLAGS=-h lists the knobs
# (e.g. BENCHFLAGS='-scales 1 -build-reps 1 -skip-gobench' for a quick look).
BENCHFLAGS ?=
bench: build
	$(GO) run ./bench/cmd/benchreport -out BENCHMARKS.md $(BENCHFLAGS)

# Builds a demo index of testdata/ when there is none (or one of an older mapping), then serves it.
run: build
	@$(BIN)/index stats --index $(DEMO_INDEX) >/dev/null 2>&1 || $(BIN)/index build --index $(DEMO_INDEX) testdata/pages testdata/jsonl
	$(BIN)/search serve --index $(DEMO_INDEX) --addr $(ADDR)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# Fuzzes every fuzz target (the parsers, the HTTP handler: every func Fuzz*
# in the module, found with go test -list) for FUZZTIME each (30s by default).
# New inputs that fail are saved under the package's testdata/fuzz/ and then
# run by make test.
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test $$pkg -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME); \
	  done; \
	done

clean:
	rm -rf $(BIN) $(DEMO_INDEX)
