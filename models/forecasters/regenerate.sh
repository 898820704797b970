#!/usr/bin/env bash
# Retrains the bundled forecasters from the ServeGen series in data/traces.
# Run from the repository root after `swift build -c release`. Deterministic for
# the seeds below with OPENBLAS_NUM_THREADS=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OPENBLAS_NUM_THREADS=1
T=${TRACES:-data/traces}
BIN=${BIN:-.build/release/headroom}

# Hourly, 24 h ahead: one global model over m-large and m-mid (zero_windows > 0 marks missing hours).
# The LSTM also learns from both series' 10-minute counts summed to hours at all six phases
# (--also with a finer interval); --zero-is-missing marks m-mid's gaps there.
"$BIN" forecast train "$T/servegen_m-large_per_hour.csv" "$T/servegen_m-mid_per_hour.csv" \
    --also "$T/servegen_m-large_per_10min.csv" --also "$T/servegen_m-mid_per_10min.csv" --zero-is-missing \
    --horizon 24 --season 24 --hidden 32 --seed 0 --out models/forecasters/servegen-hourly.json

# 10-minute windows, 1 h ahead: m-large and m-mid (all-zero windows are m-mid's gaps).
"$BIN" forecast train "$T/servegen_m-large_per_10min.csv" "$T/servegen_m-mid_per_10min.csv" --zero-is-missing \
    --horizon 6 --season 144 --hidden 32 --seed 0 --out models/forecasters/servegen-10min.json
