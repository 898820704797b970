#!/usr/bin/env python3
"""The anchors of `headroom forecast benchmark`: statsforecast on the same rolling origins, window for window.

    tools/forecast_anchors.py DIR --horizon H --test-days D --origin-step S --out FILE [--fit-days N] [--methods ...]
        [--refit origin|day]

Every `*.csv` of DIR (columns `timestamp_s` or `timestamp`, and `requests`; an empty cell is a missing
interval; all files on one interval) is split as `headroom forecast benchmark` splits it: the test part is
the last D days, origins run every S intervals from its start while `origin + H <= intervals`, and an origin
whose H targets hold a missing interval is not scored. At each origin every anchor is refitted on the
values before it (the trailing `--fit-days` days: default 14 on hourly series, 3 on finer ones, as protocol
v1 fitted the 10-minute anchors) and forecasts H steps with 80% and 98% intervals, whose upper ends are the
p90 and p99; the median is the point forecast. Missing inputs are imputed one day back (else the next
observed value). With `--refit day` (the default on series finer than hourly) AutoETS's and AutoARIMA's
parameters are estimated at the first scored origin of each test day and carried forward (statsforecast's
`forward`: the state runs over the trailing window before each origin, the parameters stay), so every
forecast still uses all data before its origin; `--refit origin` (the default on hourly series) refits at
every origin. Anchors (statsforecast 2.0.1):

  sf-SeasonalNaive  same time yesterday          sf-Naive  the last value
  sf-AutoETS        AutoETS, season one day (hourly) or none (finer: a day is too long a season to fit)
  sf-AutoARIMA      AutoARIMA, the same seasons; its orders (p, d, q)(P, D, Q), constant and drift are chosen once
                    per series at the first test origin (on the same trailing window) and its coefficients refitted
                    at every origin: a full order search at every origin takes 1-10 s here, 1,596 hourly and
                    9,576 ten-minute origins
  sf-MSTL           MSTL, seasons day and week when the fit window holds two weeks (else day), trend AutoETS("ZZN");
                    by default on hourly series only: on 10-minute series one fit takes 0.2-0.3 s here (9,576 origins),
                    and protocol v1 found it the worst 10-minute anchor (MASE 0.45 against 0.27 for the last value)

Output CSV: series,method,origin,h,y,yhat,p50,p90,p99,fit_seconds; `origin` is the interval index from the
file's first row (gaps in the timestamps count as missing intervals), `fit_seconds` the wall time of that
origin's fit and forecast (on every row of the origin). All forecasts are clipped at 0. statsforecast is
installed from PyPI into .build-venv/forecast-anchors (ignored by git) the first time; without PyPI the
tool fails and writes nothing. The file is written atomically.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build-venv", "forecast-anchors")
PY = os.path.join(VENV, "bin", "python")
STATSFORECAST = "statsforecast==2.0.1"


def ensure_venv():
    """Re-runs this script inside the anchors' virtual environment, making it first when missing."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    ok = os.path.exists(PY) and subprocess.run([PY, "-c", "import statsforecast"], capture_output=True).returncode == 0
    if not ok:
        print(f"forecast_anchors: installing {STATSFORECAST} into {VENV}", file=sys.stderr)
        if subprocess.run([sys.executable, "-m", "venv", VENV]).returncode != 0:
            sys.exit("forecast_anchors: cannot create a virtual environment (apt-get install python3-venv)")
        if subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", STATSFORECAST]).returncode != 0:
            sys.exit(f"forecast_anchors: cannot install {STATSFORECAST} from PyPI; nothing was written")
    os.execv(PY, [PY] + sys.argv)


def read_series(path):
    """(values with None for missing intervals, interval seconds) of one CSV; exits naming file and line on bad input."""
    import csv
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        sys.exit(f"forecast_anchors: {path}: empty file, expected a header and rows")
    header = [c.strip().lower() for c in rows[0]]
    tcol = next((header.index(n) for n in ("timestamp_s", "timestamp", "time", "ts") if n in header), None)
    ycol = next((header.index(n) for n in ("requests", "count", "value", "y") if n in header), None)
    if tcol is None or ycol is None:
        sys.exit(f"forecast_anchors: {path}:1: expected a timestamp_s (or timestamp) column and a requests column")
    times, values = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        try:
            t = float(row[tcol])
        except (ValueError, IndexError):
            sys.exit(f"forecast_anchors: {path}:{line}: column '{header[tcol]}': expected seconds, got '{row[tcol] if tcol < len(row) else ''}'")
        cell = row[ycol].strip() if ycol < len(row) else ""
        if cell == "":
            v = None
        else:
            try:
                v = float(cell)
            except ValueError:
                sys.exit(f"forecast_anchors: {path}:{line}: column '{header[ycol]}': expected a number, got '{cell}'")
            if not v >= 0:
                sys.exit(f"forecast_anchors: {path}:{line}: column '{header[ycol]}': expected a number >= 0, got '{cell}'")
        if times and t <= times[-1]:
            sys.exit(f"forecast_anchors: {path}:{line}: time {t} is not after the previous row's")
        times.append(t)
        values.append(v)
    if len(times) < 2:
        sys.exit(f"forecast_anchors: {path}: expected at least two rows")
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    interval = gaps[len(gaps) // 2]
    y = [None] * (int(round((times[-1] - times[0]) / interval)) + 1)
    for t, v in zip(times, values):
        k = (t - times[0]) / interval
        if abs(k - round(k)) > 1e-6:
            sys.exit(f"forecast_anchors: {path}: time {t} is not a whole number of {interval:g}-s intervals after the first")
        y[int(round(k))] = v
    return y, interval


def imputed(y, season):
    """Missing values replaced one season back, else by the next observed value."""
    out = list(y)
    for t, v in enumerate(out):
        if v is None and t >= season and out[t - season] is not None:
            out[t] = out[t - season]
    nxt = None
    for t in range(len(out) - 1, -1, -1):
        if out[t] is None:
            out[t] = nxt if nxt is not None else 0.0
        else:
            nxt = out[t]
    return out


def anchors(per_day, fit_len):
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, Naive, SeasonalNaive
    hourly = per_day <= 24
    season = per_day if hourly else 1
    seasons = [per_day, 7 * per_day] if fit_len >= 14 * per_day else [per_day]
    return {
        "sf-SeasonalNaive": lambda: SeasonalNaive(season_length=per_day),
        "sf-Naive": lambda: Naive(),
        "sf-AutoETS": lambda: AutoETS(season_length=season),
        "sf-AutoARIMA": lambda: AutoARIMA(season_length=season),
        "sf-MSTL": lambda: MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN")),
    }


def arima_at(y, season, cache, key):
    """AutoARIMA's orders chosen on the first window of a series (cached by key), refitted on `y`."""
    from statsforecast.models import ARIMA, AutoARIMA
    if key not in cache:
        model = AutoARIMA(season_length=season).fit(y).model_
        a = model["arma"]
        coef = model["coef"]
        cache[key] = dict(order=(a[0], a[5], a[1]), seasonal_order=(a[2], a[6], a[3]), season_length=max(1, a[4]),
                          include_mean="intercept" in coef, include_drift="drift" in coef)
    return ARIMA(**cache[key])


def main():
    import argparse
    import glob
    import time
    import numpy as np

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--horizon", type=int, required=True, help="steps ahead (intervals)")
    p.add_argument("--test-days", type=int, required=True, help="days at the end that are tested")
    p.add_argument("--origin-step", type=int, required=True, help="intervals between origins")
    p.add_argument("--out", required=True, help="CSV to write")
    p.add_argument("--fit-days", type=float, help="days before each origin the anchors fit on (default 14 hourly, 3 finer)")
    p.add_argument("--methods", help="comma-separated anchors (default: all; on series finer than hourly all but sf-MSTL)")
    p.add_argument("--refit", choices=["origin", "day"], help="refit at every origin, or once per test day (default: origin hourly, day finer)")
    a = p.parse_args()
    for name, v in (("--horizon", a.horizon), ("--test-days", a.test_days), ("--origin-step", a.origin_step)):
        if v < 1:
            sys.exit(f"forecast_anchors: {name}: expected an integer >= 1, got {v}")
    files = sorted(glob.glob(os.path.join(a.dir, "*.csv")))
    if not files:
        sys.exit(f"forecast_anchors: {a.dir}: no *.csv files")
    data = {}
    for f in files:
        y, interval = read_series(f)
        data[os.path.splitext(os.path.basename(f))[0]] = (y, interval)
    intervals = {iv for _, iv in data.values()}
    if len(intervals) > 1:
        detail = ", ".join(f"{n}: {iv:g} s" for n, (_, iv) in data.items())
        sys.exit(f"forecast_anchors: {a.dir}: the series have different intervals ({detail}); expected one")
    interval = intervals.pop()
    per_day = int(round(86400 / interval))
    fit_len = int(round((a.fit_days if a.fit_days else (14 if per_day <= 24 else 3)) * per_day))
    makers = anchors(per_day, fit_len)
    default = "sf-SeasonalNaive,sf-Naive,sf-AutoETS,sf-AutoARIMA" + (",sf-MSTL" if per_day <= 24 else "")
    methods = [m.strip() for m in (a.methods or default).split(",") if m.strip()]
    refit = a.refit or ("origin" if per_day <= 24 else "day")
    for m in methods:
        if m not in makers:
            sys.exit(f"forecast_anchors: --methods: unknown anchor '{m}', expected some of {', '.join(makers)}")
    levels = [80, 98]
    rows = ["series,method,origin,h,y,yhat,p50,p90,p99,fit_seconds"]
    totals = {m: 0.0 for m in methods}
    orders, fitted = {}, {}
    for name, (y, _) in data.items():
        n = len(y)
        t0 = n - a.test_days * per_day
        if t0 <= 2 * per_day:
            sys.exit(f"forecast_anchors: {name}: {n} intervals, too few for {a.test_days} test days and two days before them")
        filled = np.asarray(imputed(y, per_day), dtype=np.float64)
        o = t0
        while o + a.horizon <= n:
            if any(v is None for v in y[o:o + a.horizon]):
                o += a.origin_step
                continue
            train = filled[max(0, o - fit_len):o]
            for m in methods:
                start = time.perf_counter()
                try:
                    if refit == "day" and m in ("sf-AutoETS", "sf-AutoARIMA"):
                        key = (name, m, (o - t0) // per_day)
                        if key not in fitted:
                            model = arima_at(train, 1 if per_day > 24 else per_day, orders, name) if m == "sf-AutoARIMA" else makers[m]()
                            fitted[key] = model.fit(train)
                        f = fitted[key].forward(y=train, h=a.horizon, level=levels)
                    else:
                        model = arima_at(train, per_day if per_day <= 24 else 1, orders, name) if m == "sf-AutoARIMA" else makers[m]()
                        f = model.forecast(y=train, h=a.horizon, level=levels)
                except Exception as e:  # a fit that fails is a failure of the run, not a silent gap
                    sys.exit(f"forecast_anchors: {name}: {m} failed at origin {o}: {type(e).__name__}: {e}")
                seconds = time.perf_counter() - start
                totals[m] += seconds
                mean, p90, p99 = f["mean"], f["hi-80"], f["hi-98"]
                for h in range(a.horizon):
                    yhat = max(0.0, float(mean[h]))
                    q90 = max(yhat, float(p90[h]))
                    q99 = max(q90, float(p99[h]))
                    rows.append(f"{name},{m},{o},{h + 1},{y[o + h]!r},{yhat!r},{yhat!r},{q90!r},{q99!r},{seconds:.6f}")
            o += a.origin_step
        print(f"forecast_anchors: {name} done", file=sys.stderr)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(rows) + "\n")
    os.replace(tmp, a.out)
    fit_days = fit_len / per_day
    for m in methods:
        print(f"{m}: fit and forecast {totals[m]:.1f} s in all (trailing {fit_days:g} days before each origin, refit every {refit})")


if __name__ == "__main__":
    ensure_venv()
    main()
