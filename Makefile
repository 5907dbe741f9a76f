# The two commands of the README, and a few more. Each installs what is missing first.
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080
ARGS ?=

.PHONY: run test test-outside proxy-venv build release deps clean readme-check manifest-check conformance httpbin-suite pytest-plugin bench release-deps home-page-check httpbun-api-tests llm-sdk-tests llm-differential openapi-check wheel wheel-check

## Build in release mode and serve on $(HOST):$(PORT) (Ctrl-C stops it).
run: deps
	$(SWIFT) build -c release --product httpbun
	exec "$$($(SWIFT) build -c release --show-bin-path)/httpbun" --host $(HOST) --port $(PORT) $(ARGS)

## Build everything and run every test.
test: deps h2-venv proxy-venv
	scripts/check-layers.sh
	$(MAKE) manifest-check
	$(SWIFT) test
	scripts/check-release-deps.sh
	@# The fuzz targets are built outside SwiftPM, so nothing else notices when they stop compiling
	@# (they had, twice: TLSIdentity and the OAuth2 HMAC check). Building them is the check.
	fuzz/build.sh
	$(MAKE) test-outside

## hypercorn (PyPI) in conformance/h2/venv: the HTTP/2 server Tests/RequestsTests/HTTP2Tests.swift
## starts (those tests are skipped without it). A few seconds, once.
.PHONY: h2-venv
h2-venv:
	@test -x conformance/h2/venv/bin/python || python3 -m venv conformance/h2/venv
	@conformance/h2/venv/bin/python -c 'import hypercorn, h2' 2>/dev/null || \
		conformance/h2/venv/bin/pip install -q -r conformance/h2/requirements.txt

## proxy.py (an HTTP proxy that speaks CONNECT) and python requests, from PyPI into conformance/proxy/venv,
## for the Requests client's proxy tests (Tests/RequestsTests/ProxyTests.swift), which skip without it.
proxy-venv:
	@test -x conformance/proxy/venv/bin/proxy || { python3 -m venv conformance/proxy/venv && \
		conformance/proxy/venv/bin/pip install -q -r conformance/proxy/requirements.txt; }

## The release build judged by tools we did not write (about 8 minutes): the raw-socket battery,
## half-closed clients beside the C floor, a second server on a port in use, python httpbin's own
## tests against --flavor httpbin, pytest-httpbin's tests against our plugin, /openapi.json against schemathesis, the WebSocket clients and
## battery, the platform wheel installed and run in a root without libmicrohttpd (as root), and a
## minute of the wire fuzzer with every answer parsed by h11 (make wire-fuzz: 10).
test-outside: battery half-close port-in-use httpbin-suite pytest-plugin openapi-check websocket-tests wheel-check
	@# One fixed seed here, so a CI run judges the same inputs every time; make wire-fuzz explores.
	$(MAKE) wire-fuzz WIRE_FUZZ_SECONDS=60 WIRE_FUZZ_ARGS="--seed 20261209"

## A plain release build needs only libmicrohttpd and glibc at run time (readelf and ldd).
release-deps: deps
	scripts/check-release-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product httpbun

## httpbun's own API tests (Go, its api-tests/) against our binary, default flavor. Fetches nothing:
## make httpbun-api-tests HTTPBUN_SNAPSHOT=/path/to/a/checkout/of/sharat87/httpbun
## (Debian's Go 1.19 and testify are installed first when missing; see conformance/httpbun-api/run.sh.)
httpbun-api-tests: release
	@test -n "$(HTTPBUN_SNAPSHOT)" || { echo "set HTTPBUN_SNAPSHOT to a snapshot of sharat87/httpbun" >&2; exit 2; }
	@test -x /usr/lib/go-1.19/bin/go -a -d /usr/share/gocode/src/github.com/stretchr/testify || \
		{ [ "$$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-1.19-go golang-github-stretchr-testify-dev >&2; }
	conformance/httpbun-api/run.sh "$(HTTPBUN_SNAPSHOT)" .build/release/httpbun

## httpbun's LLM SDK tests (Python, its llm-sdk-tests/: the official openai and anthropic SDKs) against
## our binary, default flavor, then our streaming checks beside them. Fetches nothing from git; the
## SDKs come from PyPI into conformance/llm-sdk/venv, at the versions the snapshot's uv.lock pins:
## make llm-sdk-tests HTTPBUN_SNAPSHOT=/path/to/a/checkout/of/sharat87/httpbun
llm-sdk-tests: release
	@test -n "$(HTTPBUN_SNAPSHOT)" || { echo "set HTTPBUN_SNAPSHOT to a snapshot of sharat87/httpbun" >&2; exit 2; }
	conformance/llm-sdk/run.sh "$(HTTPBUN_SNAPSHOT)" .build/release/httpbun

## httpbun's own LLM handlers (the snapshot's routes/llm, built with Go) and ours answering the same ~600
## requests: prints each disagreement not listed as deliberate, then `agree: N / total: M`.
## make llm-differential HTTPBUN_SNAPSHOT=/path/to/a/checkout/of/sharat87/httpbun
llm-differential: release
	@test -n "$(HTTPBUN_SNAPSHOT)" || { echo "set HTTPBUN_SNAPSHOT to a snapshot of sharat87/httpbun" >&2; exit 2; }
	@command -v go >/dev/null || test -x /usr/lib/go-1.19/bin/go || \
		{ [ "$$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-1.19-go >&2; }
	conformance/llm-sdk/differential/run.sh "$(HTTPBUN_SNAPSHOT)" .build/release/httpbun

## The home page in headless Chromium (installed first when missing): its links are exactly the
## catalogue's (httpbun --list-endpoints), in both flavors and under a path prefix, and each link
## without parameters answers neither 404 nor 5xx.
home-page-check: release
	scripts/ensure-chromium.sh
	python3 scripts/check-home-page.py --bin .build/release/httpbun

## /openapi.json of each flavor judged by openapi-spec-validator, then schemathesis against a live
## server with short limits: every operation, every generated answer declared (about 3 minutes; the
## tools are pip-installed into conformance/openapi/venv on first use). See conformance/openapi/check.py.
openapi-check: release
	@test -x conformance/openapi/venv/bin/st || { python3 -m venv conformance/openapi/venv && \
		conformance/openapi/venv/bin/pip install -q -r conformance/openapi/requirements.txt; }
	conformance/openapi/venv/bin/python conformance/openapi/check.py --bin .build/release/httpbun $(OPENAPI_CHECK_ARGS)

## docker/kubernetes.yaml meets Pod Security "restricted" with a read-only root and a memory-backed
## state folder, its probes and the images' HEALTHCHECKs run --healthcheck (a second, no cluster).
## PyYAML is pip-installed into docker/venv on first use. See docker/check-manifest.py.
manifest-check:
	@test -x docker/venv/bin/python -a -f docker/venv/.installed || { python3 -m venv docker/venv && \
		docker/venv/bin/pip install -q -r docker/requirements.txt && touch docker/venv/.installed; }
	docker/venv/bin/python docker/check-manifest.py --self-test

## Run every curl example of the README against a fresh server on 127.0.0.1:8080.
readme-check: deps
	$(SWIFT) build --product httpbun
	@bin="$$($(SWIFT) build --show-bin-path)/httpbun"; \
	"$$bin" --log-level warning & pid=$$!; sleep 1; \
	python3 scripts/check-readme.py; status=$$?; kill $$pid; exit $$status

## The request journal read from Python (examples/fixtures/pytest/test_journal.py, plain urllib).
.PHONY: journal-example
journal-example: deps
	$(SWIFT) build --product httpbun
	HTTPBUN_BIN="$$($(SWIFT) build --show-bin-path)/httpbun" python3 -m pytest -q -p no:cacheprovider examples/fixtures/pytest/test_journal.py

## Benchmarks (not tests; a few minutes): writes bench/RESULTS.md. See bench/README.md.
bench: deps
	bench/run $(BENCH_ARGS)

deps:
	@scripts/ensure-deps.sh

clean:
	rm -rf .build

## Our pytest plugin (python/: pytest-httpbin's fixtures served by httpbun) judged by pytest-httpbin
## 2.1.0's own tests (its PyPI sdist), then by our own (python/tests); installed into an ignored venv.
pytest-plugin: release
	conformance/pytest-httpbin/run.sh .build/release/httpbun

## The platform wheel of python/ into dist/: the plugin, an `httpbun` command, and the release binary
## with libmicrohttpd and its GnuTLS libraries vendored and relinked by auditwheel (pip-installed into
## python/venv), tagged manylinux_<this glibc> (Debian 12: manylinux_2_36). See scripts/build-wheel.sh.
wheel: release
	scripts/build-wheel.sh .build/release/httpbun

## The wheel as a user meets it (about 15 s after make wheel; as root): auditwheel show, pip install into a
## fresh venv, the httpbun command and the fixtures, ldd, and a chroot with glibc's files only.
wheel-check: wheel
	scripts/check-wheel.sh

## python httpbin 0.10.4's own tests (its PyPI sdist's tests/test_httpbin.py) against --flavor httpbin,
## through a WSGI app that forwards to the server (conformance/httpbin-suite/README.md): 69 of 70, the
## 70th (a WSGI-only 501) deselected by name.
httpbin-suite: release
	conformance/httpbin-suite/run.sh .build/release/httpbun

## Differential test against python httpbin 0.10.4 (installed into bench/venv on first use):
## prints a diff per disagreeing request and `agree: N / total: M`.
conformance: deps
	$(SWIFT) build --product httpbun
	@test -x bench/venv/bin/gunicorn || { python3 -m venv bench/venv && bench/venv/bin/pip install -q -r conformance/requirements.txt; }
	bench/venv/bin/python conformance/compare.py --httpbun "$$($(SWIFT) build --show-bin-path)/httpbun"

# ---- Hardening and fuzzing (hardening/, fuzz/, docs/limits.md) -------------------------------
# Every target below is bounded in time and talks to 127.0.0.1 only.
FUZZ_SECONDS ?= 60
HARDENING_BIN ?= .build/release/httpbun
SOAK_REQUESTS ?= 1000000
WIRE_FUZZ_SECONDS ?= 600
WIRE_FUZZ_ARGS ?=

.PHONY: hardening battery wire-fuzz soak soak-asan slowloris overload shutdown announced-bodies half-close port-in-use fuzz fuzz-build

## Every hardening check against the release build (about 5 minutes; soak excluded: make soak).
## (make wire-fuzz, the h11-judged protocol fuzzer, is not in it either: it runs WIRE_FUZZ_SECONDS.)
hardening: battery slowloris overload shutdown announced-bodies half-close port-in-use

## 300+ malformed and hostile requests over raw sockets; /get checked after each.
battery: release
	python3 hardening/battery.py --bin $(HARDENING_BIN)

## Mutated requests, pipelines, half-closes and resets for WIRE_FUZZ_SECONDS (default 600), every answer
## parsed by h11 (pip-installed into hardening/venv on first use); failing inputs in hardening/wire-fuzz-findings/.
wire-fuzz: release
	@test -x hardening/venv/bin/python || python3 -m venv hardening/venv
	@hardening/venv/bin/python -c 'import h11' 2>/dev/null || hardening/venv/bin/pip install -q h11
	hardening/venv/bin/python hardening/wire-fuzz.py --bin $(HARDENING_BIN) --seconds $(WIRE_FUZZ_SECONDS) $(WIRE_FUZZ_ARGS)

## ~1,000,000 mixed keep-alive requests (wrk); RSS growth after the first 100,000 must stay < 5%.
soak: release
	hardening/soak.sh $(HARDENING_BIN) $(SOAK_REQUESTS)

## A shorter soak (200,000 requests) against a debug build with AddressSanitizer (+ LeakSanitizer).
soak-asan: deps
	$(SWIFT) build -c debug --scratch-path .build-asan -Xswiftc -sanitize=address --product httpbun
	SOAK_IGNORE_GROWTH=1 ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 hardening/soak.sh .build-asan/debug/httpbun 200000

## 1,000 slowloris connections vs. a normal client's p99; then the idle timeout.
slowloris: release
	python3 hardening/slowloris.py --bin $(HARDENING_BIN)

## More connections than --connection-limit.
overload: release
	python3 hardening/overload.py --bin $(HARDENING_BIN)

## SIGTERM with 1,000 parked /delay requests, during 100 MiB uploads, in-flight /delay and /drip
## (closed without an answer or a last chunk), and with --drain-timeout.
shutdown: release
	python3 hardening/shutdown.py --bin $(HARDENING_BIN)

## 300 connections announcing 16 MiB bodies under a 2 GB address-space limit.
announced-bodies: release
	python3 hardening/announced-bodies.py --bin $(HARDENING_BIN)

## Requests followed at once by a FIN (shutdown(SHUT_WR)): answered, then closed within 1 s.
## 200 tries per variant; the C floor's figures beside ours (the baseline, not judged).
half-close: release .build/bench/floor
	python3 hardening/half-close.py --bin $(HARDENING_BIN) --floor .build/bench/floor

.PHONY: websocket-tests

## /websocket/echo judged from outside (about 10 s): the websockets and wsproto clients (PyPI, into
## conformance/websocket/venv), a raw-socket battery after Autobahn's sections 1-7 with GET /get
## after each case, the limits, and SIGTERM with WebSockets open.
websocket-tests: release
	@test -x conformance/websocket/venv/bin/python || python3 -m venv conformance/websocket/venv
	@conformance/websocket/venv/bin/python -c 'import websockets, wsproto' 2>/dev/null || \
		conformance/websocket/venv/bin/pip install -q -r conformance/websocket/requirements.txt
	conformance/websocket/venv/bin/python conformance/websocket/check.py --bin $(HARDENING_BIN)

## The C floor of bench/ (libmicrohttpd alone), the baseline of half-close.
.build/bench/floor: bench/c-floor/floor.c | deps
	mkdir -p .build/bench
	cc -O2 -Wall -o $@ bench/c-floor/floor.c -lmicrohttpd -lpthread

## A second server on a port already in use must exit non-zero, say so, and print no URL
## (with --threads 1 and 2 on either side).
port-in-use: release
	python3 hardening/port-in-use.py --bin $(HARDENING_BIN)

## Build the libFuzzer binary (swiftc -sanitize=fuzzer,address) into .build-fuzz/.
fuzz-build:
	fuzz/build.sh

## Run each fuzz target for FUZZ_SECONDS, one at a time (make fuzz FUZZ_SECONDS=600).
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run-all.sh
