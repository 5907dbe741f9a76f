# The two commands of the README, and a few more. Each installs what is missing first.
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080
ARGS ?=

.PHONY: run test build release deps clean

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

deps:
	@scripts/ensure-deps.sh

clean:
	rm -rf .build
