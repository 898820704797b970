#!/bin/sh
# Refits the Hopper efficiencies of generated profiles (Sources/ModelProfiles/GPUEfficiency.swift)
# from the bundled measurements, and prints the fidelity table with the fitted values:
#   compute and attention: the prefill rows of Vidur's H100 iteration tables (models/hardware/h100-*_iterations.csv)
#   bandwidth, KV bandwidth, overheads: the 12 vLLM runs on H100 SXM (data/ground-truth/vllm-h100)
# Copy the printed "fitted hopper efficiencies" into GPUEfficiency.hopper and record the table in docs/profiles.md.
# Usage: tools/fit_gpu_efficiency.sh [path/to/headroom]   (default .build/release/headroom; about 5 minutes)
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/headroom}
exec "$BIN" bench fidelity data/ground-truth/vllm-h100 --model-configs models/configs --gpu h100-sxm --fit \
    --iteration-tables models/hardware/h100-llama2-7b.yaml models/hardware/h100-llama2-70b-tp4.yaml
