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

## The main job: plan tomorrow's Llama-2-7B cluster for the ServeGen m-large
## service (its hourly history scaled by 0.05, about 10 req/s on average)
## with the seeds' default SLA and 3x headroom: static, schedule and HPA
## plans, each verified by simulating the day; summary on stdout, the
## report and its data in out/plan-m-large/.
run: build
	@mkdir -p out
	$(BIN) plan --scenario examples/servegen-plan.yaml \
		--history data/traces/servegen_m-large_per_hour.csv \
		--forecast models/forecasters/servegen-hourly.json --quantile 0.5 \
		--load-scale 0.05 --headroom 3x --sla default --output out/plan-m-large

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: build
	$(BIN) bench engine
	$(BIN) bench serving
	$(BIN) bench toolbox
	$(BIN) bench forecast

clean:
	rm -rf .build
