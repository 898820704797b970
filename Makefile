# Headroom: the two commands a fresh Debian machine needs.
#   make run   installs what is missing, builds in release mode, runs the main job
#   make test  the same set-up, then the whole test suite
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/headroom
export OPENBLAS_NUM_THREADS ?= 1

## Package.swift forces no CPU flags, so it builds on any platform. On an
## x86-64 machine whose CPU has AVX2 and FMA, `make build` compiles for them
## (the LSTM's gate loops use 8-lane SIMD); anywhere else it builds portably.
## The binary then runs only on such CPUs: set NATIVE= to build a portable one.
NATIVE ?= $(shell [ "$$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo -Xcc -mavx2 -Xcc -mfma)
RELEASE_FLAGS := $(foreach f,$(NATIVE),-Xswiftc $(f))

.PHONY: deps build run test bench fuzz clean

## Install OpenBLAS, zlib (for .gz inputs) and pkg-config through apt-get
## when they are missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists openblas || ! pkg-config --exists zlib; then \
		echo "make: installing libopenblas-dev, zlib1g-dev and pkg-config with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libopenblas-dev zlib1g-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build -c release --product headroom $(RELEASE_FLAGS)

## The main job: plan tomorrow's Llama-2-7B cluster for the ServeGen m-large
## service (its hourly history scaled by 0.05, about 10 req/s on average)
## with the default SLA (availability >= 99.95%, p99 TTFT <= 500 ms, error
## rate <= 0.1%) and 3x headroom: static, schedule and HPA
## plans, each verified by simulating the day; summary on stdout, the
## report and its data in out/plan-m-large/, the Kubernetes manifests that
## apply the plans in out/plan-m-large/k8s/.
run: build
	@mkdir -p out
	$(BIN) plan --scenario examples/servegen-plan.yaml \
		--history data/traces/servegen_m-large_per_hour.csv \
		--forecast models/forecasters/servegen-hourly.json --quantile 0.5 \
		--load-scale 0.05 --headroom 3x --sla default --output out/plan-m-large \
		--emit kubernetes out/plan-m-large/k8s

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: build
	$(BIN) bench engine
	$(BIN) bench serving
	$(BIN) bench toolbox
	$(BIN) bench forecast

## Fuzz every parser for FUZZ_SECONDS each (seeded mutants of fuzz/corpus and
## the bundled examples): a crash, a hang over 30 s or a process over 1 GiB
## fails, and the input is kept in fuzz/findings/.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
FUZZ_TARGETS := scenario profile history prometheus grafana trace-azure trace-mooncake trace-csv model sla iterations observations part
fuzz: deps
	$(SWIFT) build -c release --product headroom-fuzz $(RELEASE_FLAGS)
	@status=0; for t in $(FUZZ_TARGETS); do \
		.build/release/headroom-fuzz $$t --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) || { \
			status=1; echo "make fuzz: $$t failed; the input is in fuzz/findings/ (see docs/development.md, Fuzzing)"; }; \
	done; exit $$status

clean:
	rm -rf .build
