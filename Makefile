# Headroom: the two commands a fresh Debian machine needs.
#   make run   installs what is missing, builds in release mode, runs the main job
#   make test  the same set-up, then the whole test suite
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/headroom
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build run test bench clean

## Install OpenBLAS (and pkg-config) through apt-get when they are missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists openblas; then \
		echo "make: installing libopenblas-dev and pkg-config with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libopenblas-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build -c release --product headroom

## The main job (until the planner exists): a simulated day of ServeGen
## m-large traffic on a 16-replica Llama-2-7B cluster, with its time series
## written to out/, then tomorrow's hourly load forecast for m-large.
run: build
	@mkdir -p out
	$(BIN) simulate examples/servegen-day.yaml --timeseries out/servegen-day-timeseries.csv
	@echo
	$(BIN) forecast predict --model models/forecasters/servegen-hourly.json \
		--history ../shared/data/traces/servegen_m-large_per_hour.csv --horizon 24

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: build
	$(BIN) bench engine
	$(BIN) bench serving
	$(BIN) bench forecast

clean:
	rm -rf .build
