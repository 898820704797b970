#!/usr/bin/env python3
"""Write the request stream Vidur generated for its reference runs, as a trace.

Vidur's reference runs (data/profiles/README.md) used its synthetic
request generator: Poisson inter-arrival times and request lengths taken from
the Azure conversation trace.  Reproducing that exact stream removes two
differences from `headroom bench serving --suite vidur` that have nothing to do
with the serving model:

1. **Arrivals.** Vidur's Poisson interval generator draws
   `-ln(1 - random.random()) / qps` from Python's `random` module (seeded with
   42 by `vidur.utils.random.set_seeds`) and **clips every interval at 3 / qps**
   (`max_interval = 3 * std`).  Clipping shortens the mean interval to
   `(1 - e^-3) / qps`, so Vidur offers 1.0524 x the nominal QPS (1.579 req/s at
   "QPS 1.5", matching its reported 1.57 req/s throughput).
2. **Lengths.** Vidur's trace length generator caps prompt + output at 4,096
   tokens by removing `ceil(excess * share)` from each side, then shuffles the
   rows with pandas `sample(frac=1, random_state=42)`, i.e. numpy
   `RandomState(42).permutation(n)`, and takes them in that order; a 1,000-request
   run therefore uses the first 1,000 shuffled rows (mean output 220 tokens
   against 211 over the whole trace).

The intervals are generated at QPS 1; a run at QPS q replays the file with its
timestamps multiplied by 1/q, which is exactly Vidur's min(E, 3)/q.  The
generator draws one interval per request before reading its lengths, as
Vidur's `SyntheticRequestGenerator` does, so the first request arrives after
one interval.  Deterministic, no network; CPython's `random` and numpy's
legacy `RandomState` streams are stable across versions.

Usage: python3 tools/vidur_requests.py [--trace FILE] [--out FILE] [--requests N]
"""

import argparse
import csv
import math
import os
import random
import sys

import numpy as np

MAX_TOKENS = 4096      # Vidur request generator max_tokens (and the reference runs' cap)
SEED = 42              # Vidur's default seed for the generator, the intervals and the shuffle
MAX_INTERVAL = 3.0     # Vidur clips intervals at 3 standard deviations (3 / qps)


def capped_lengths(trace):
    """Prompt and output tokens of every trace row after Vidur's proportional cap."""
    with open(trace, newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "ContextTokens" not in rows[0] or "GeneratedTokens" not in rows[0]:
        raise SystemExit(f"{trace}: expected an Azure trace with ContextTokens and GeneratedTokens columns")
    out = []
    for i, r in enumerate(rows, start=2):
        try:
            p, d = int(r["ContextTokens"]), int(r["GeneratedTokens"])
        except ValueError:
            raise SystemExit(f"{trace}:{i}: expected integer ContextTokens and GeneratedTokens")
        total = p + d
        excess = max(0, total - MAX_TOKENS)
        if excess:
            p -= math.ceil(excess * p / total)
            d -= math.ceil(excess * d / total)
        out.append((max(1, p), max(1, d)))
    return out


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trace", default=os.path.join(repo, "data", "traces",
                                                    "AzureLLMInferenceTrace_conv.csv"))
    ap.add_argument("--out", default=os.path.join(repo, "models", "hardware", "vidur-conv-requests.csv"))
    ap.add_argument("--requests", type=int, default=10_000)
    args = ap.parse_args(argv)

    lengths = capped_lengths(args.trace)
    if args.requests > len(lengths):
        raise SystemExit(f"--requests {args.requests}: the trace has only {len(lengths)} rows")
    order = np.random.RandomState(SEED).permutation(len(lengths))
    rng = random.Random(SEED)
    t = 0.0
    lines = ["timestamp,prompt_tokens,output_tokens"]
    for k in range(args.requests):
        t += min(-math.log(1.0 - rng.random()), MAX_INTERVAL)
        p, d = lengths[order[k]]
        lines.append(f"{t:.9f},{p},{d}")
    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, args.out)
    print(f"{args.out}: {args.requests} requests, mean interval {t / args.requests:.4f} s at QPS 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
