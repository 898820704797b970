#!/usr/bin/env bash
# Retrains the bundled forecasters on the 57 series of data/forecast-v2 (one folder per interval).
# Run from the repository root after `swift build -c release`. Deterministic for
# the seeds below with OPENBLAS_NUM_THREADS=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OPENBLAS_NUM_THREADS=1
BIN=${BIN:-.build/release/headroom}

D=${DATA:-data/forecast-v2}

# Hourly, 24 h ahead: one global model over the 57 series of the forecasting benchmark v2
# (ServeGen m-large and m-mid families and their clients, NASA-HTTP); empty cells are missing hours.
"$BIN" forecast train "$D/hourly" --horizon 24 --season 24 --hidden 32 --seed 0 --out models/forecasters/servegen-hourly.json

# 10-minute windows, 1 h ahead: the same 57 series per 10 minutes.
"$BIN" forecast train "$D/10min" --horizon 6 --season 144 --hidden 32 --seed 0 --out models/forecasters/servegen-10min.json
