# The two commands of the README, and a few more. Each installs what is missing first.
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080
ARGS ?=

.PHONY: run test build release deps clean readme-check conformance bench

## Build in release mode and serve on $(HOST):$(PORT) (Ctrl-C stops it).
run: deps
	$(SWIFT) build -c release --product httpbun
	exec "$$($(SWIFT) build -c release --show-bin-path)/httpbun" --host $(HOST) --port $(PORT) $(ARGS)

## Build everything and run every test.
test: deps
	$(SWIFT) test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product httpbun

## Run every curl example of the README against a fresh server on 127.0.0.1:8080.
readme-check: deps
	$(SWIFT) build --product httpbun
	@bin="$$($(SWIFT) build --show-bin-path)/httpbun"; \
	"$$bin" --log-level warning & pid=$$!; sleep 1; \
	python3 scripts/check-readme.py; status=$$?; kill $$pid; exit $$status

## Benchmarks (not tests; a few minutes): writes bench/RESULTS.md. See bench/README.md.
bench: deps
	bench/run $(BENCH_ARGS)

deps:
	@scripts/ensure-deps.sh

clean:
	rm -rf .build

## Differential test against python httpbin 0.10.4 (installed into bench/venv on first use):
## prints a diff per disagreeing request and `agree: N / total: M`.
conformance: deps
	$(SWIFT) build --product httpbun
	@test -x bench/venv/bin/gunicorn || { python3 -m venv bench/venv && bench/venv/bin/pip install -q -r conformance/requirements.txt; }
	bench/venv/bin/python conformance/compare.py --httpbun "$$($(SWIFT) build --show-bin-path)/httpbun"
