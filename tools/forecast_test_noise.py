#!/usr/bin/env python3
"""How much of a MASE figure on the benchmark's test part is the test days themselves?

Behind docs/decisions/0025 (what the test part can decide). For each
ServeGen series of the forecasting benchmark (docs/forecasting.md) it reads the per-origin forecasts of
`headroom forecast evaluate --forecasts-out` (every Headroom method) and of the anchors
(a folder of statsforecast per-origin forecasts, --anchors), pools the absolute errors by the *day of the forecast
target* (each test part holds three days), and prints per method:

- the test MASE, and the MASE of each test day on its own (the same in-sample scale);
- the range of MASE when the three test days are resampled with replacement (all 27
  equally likely draws, a day-block bootstrap): how far another three days like these
  could move the figure;
- for Headroom's methods, the validation MASE `evaluate` selected on, and the rank
  correlation (Spearman) between validation and test MASE over Headroom's methods;
- where the test windows do not overlap (step >= horizon), each Headroom method's paired
  difference in MASE from SeasonalNaive1, with its standard error over origins.

Nothing here is used by Headroom.

    python3 tools/forecast_test_noise.py --runs DIR --anchors DIR

DIR holds, for S in m-large_h m-mid_h m-large_10m m-mid_10m, the files S.json
(`evaluate --format json`) and S.csv (`--forecasts-out`), from the commands in docs/decisions/0025.
"""
import argparse, csv, gzip, itertools, json, os
from collections import defaultdict
from datetime import datetime

SERIES = [  # (run name, anchor tag, intervals per day, interval minutes)
    ("m-large_h", "mlarge_h", 24, 60),
    ("m-mid_h", "mmid_h", 24, 60),
    ("m-large_10m", "mlarge_10m", 144, 10),
    ("m-mid_10m", "mmid_10m", 144, 10),
]
EPOCH = datetime(2024, 1, 1)  # the protocol's t = 0


def errors_by_day(rows, per_day):
    """method -> {test day index: [absolute errors]} from (method, target index, y, yhat)."""
    out = defaultdict(lambda: defaultdict(list))
    for method, target, y, yhat in rows:
        out[method][target // per_day].append(abs(y - max(yhat, 0.0)))
    return out


def paired_against_last_value(path, scale):
    """method -> (mean, standard error) of its per-origin MAE minus SeasonalNaive1's, in MASE units."""
    per = defaultdict(lambda: defaultdict(list))
    for method, origin, h, y, yhat in ((r["method"], int(r["origin"]), r["h"], float(r["y"]), float(r["yhat"]))
                                       for r in csv.DictReader(open(path))):
        per[method][origin].append(abs(y - max(yhat, 0.0)))
    base = per["SeasonalNaive1"]
    out = {}
    for method, origins in per.items():
        d = [(sum(e) - sum(base[o])) / len(e) / scale for o, e in origins.items()]
        mean = sum(d) / len(d)
        sd = (sum((x - mean) ** 2 for x in d) / (len(d) - 1)) ** 0.5
        out[method] = (mean, sd / len(d) ** 0.5)
    return out


def headroom_rows(path):
    with open(path) as f:
        for r in csv.DictReader(f):
            yield r["method"], int(r["origin"]) + int(r["h"]) - 1, float(r["y"]), float(r["yhat"])


def anchor_rows(path, minutes):
    with gzip.open(path, "rt") as f:
        for r in csv.DictReader(f):
            origin = datetime.strptime(r["origin"], "%Y-%m-%d %H:%M:%S")
            index = int((origin - EPOCH).total_seconds() // (60 * minutes))
            yield r["method"], index + int(r["h"]) - 1, float(r["y"]), float(r["yhat"])


def spearman(a, b):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        for k, i in enumerate(order):
            r[i] = k
        return r
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    return 1 - 6 * sum((x - y) ** 2 for x, y in zip(ra, rb)) / (n * (n * n - 1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", required=True)
    p.add_argument("--anchors", required=True)
    a = p.parse_args()
    for run, tag, per_day, minutes in SERIES:
        report = json.load(open(os.path.join(a.runs, run + ".json")))
        scale = report["mase_scale"]
        ours = errors_by_day(headroom_rows(os.path.join(a.runs, run + ".csv")), per_day)
        theirs = errors_by_day(anchor_rows(os.path.join(a.anchors, tag + "_t1_forecasts.csv.gz"), minutes), per_day)
        validation = {m["name"]: m.get("validation_mase") for m in report["methods"]}
        print(f"\n{run}: selected {report['selected']}, MASE scale {scale:,.0f}")
        print("| method | test MASE | per test day | 27 resampled triples: min – max | validation MASE |")
        print("|---|---:|---|---|---:|")
        table = [(m, d, True) for m, d in ours.items()] + [("anchor " + m, d, False) for m, d in theirs.items()]
        for name, days, own in table:
            keys = sorted(days)
            pooled = [e for k in keys for e in days[k]]
            total = sum(pooled) / len(pooled) / scale
            per = [sum(days[k]) / len(days[k]) / scale for k in keys]
            draws = []
            for triple in itertools.product(keys, repeat=len(keys)):
                errs = [e for k in triple for e in days[k]]
                draws.append(sum(errs) / len(errs) / scale)
            val = validation.get(name) if own else None
            print(f"| {name} | {total:.3f} | {' / '.join(f'{x:.3f}' for x in per)} | "
                  f"{min(draws):.3f} – {max(draws):.3f} | {'' if val is None else f'{val:.3f}'} |")
        if report["step"] >= report["horizon"]:
            print(f"Paired against SeasonalNaive1 over {report['origins']} non-overlapping origins (MASE, ± one SE):")
            for method, (mean, se) in sorted(paired_against_last_value(os.path.join(a.runs, run + ".csv"), scale).items()):
                if method != "SeasonalNaive1":
                    print(f"  {method}: {mean:+.4f} ± {se:.4f}")
        pairs = [(v, m["mase"]) for m in report["methods"] if (v := m.get("validation_mase")) is not None]
        print(f"Spearman(validation MASE, test MASE) over Headroom's {len(pairs)} methods: "
              f"{spearman([x for x, _ in pairs], [y for _, y in pairs]):+.2f}")


if __name__ == "__main__":
    main()
