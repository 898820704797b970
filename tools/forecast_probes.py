#!/usr/bin/env python3
"""Probes behind docs/decisions/0023 and 0024 (per-client forecasts, the Theta method): simple and
per-client forecasts of the ServeGen hourly and 10-minute series under the
rolling-origin protocol of the forecasting benchmark (docs/forecasting.md), to see whether any
honest route reaches the issue's MASE targets. Nothing here is used by
Headroom; it records how the negative results were measured.

    python3 tools/forecast_probes.py [--traces data/traces] --anchors DIR [--clients-out DIR]

--clients-out also writes each series' 40 largest clients as hourly CSVs
(timestamp_s,requests,zero_windows) for `headroom forecast evaluate --also`.
Needs numpy.
"""
import argparse, csv, gzip, itertools, os
from collections import defaultdict
import numpy as np


def hourly(traces, tag):
    rows = list(csv.DictReader(open(f"{traces}/servegen_{tag}_per_hour.csv")))
    y = np.array([float(r["requests"]) for r in rows])
    missing = np.array([int(r["zero_windows"]) > 0 for r in rows])
    return y, missing


def clients(traces, tag, steps):
    """clients x 10-minute counts (rate x 600), from the client-windows file."""
    per = defaultdict(dict)
    with gzip.open(f"{traces}/servegen_{tag}_client_windows.csv.gz", "rt") as f:
        for r in csv.DictReader(f):
            per[int(r["client_id"])][int(r["window_start_s"]) // 600] = float(r["rate_rps"]) * 600
    m = np.zeros((len(per), steps))
    for i, c in enumerate(sorted(per)):
        for t, v in per[c].items():
            if t < steps:
                m[i, t] = v
    return m


class Protocol:
    """Split, imputation, MASE scale and origins of protocol v1."""

    def __init__(self, y, missing, season, horizon, step, holdout):
        self.y, self.missing, self.m, self.h = y, missing, season, horizon
        n = len(y)
        self.t0 = n - holdout
        self.yi = y.copy()
        for t in range(n):
            if missing[t]:
                self.yi[t] = self.yi[t - season]
        self.scale = np.mean(np.abs(self.yi[season:self.t0] - self.yi[:self.t0 - season]))
        self.test = self.origins(self.t0, n, step)
        self.validation = self.origins(self.t0 - holdout, self.t0, step)

    def origins(self, start, end, step):
        return [o for o in range(start, end - self.h + 1, step) if not self.missing[o:o + self.h].any()]

    def mase(self, forecast, origins):
        err = [np.abs(self.y[o:o + self.h] - np.maximum(forecast(o), 0)) for o in origins]
        return float(np.mean(np.concatenate(err)) / self.scale)


def weighted_lad(x, y, w, iterations=30):
    """Weighted least absolute deviations per column of y (IRLS)."""
    out = np.zeros((x.shape[1], y.shape[1]))
    for h in range(y.shape[1]):
        s = w.copy()
        for _ in range(iterations):
            a = x.T @ (x * s[:, None])
            beta = np.linalg.solve(a + 1e-8 * np.trace(a) * np.eye(len(a)), x.T @ (y[:, h] * s))
            s = w / np.maximum(np.abs(y[:, h] - x @ beta), 1e-2)
        out[:, h] = beta
    return out


def seasonal_indices(x, m):
    """Classical multiplicative seasonal indices: x over its centred 2 x m
    moving average, averaged by phase (phase 0 = x[0]), normalised to mean 1."""
    trend = np.convolve(x, np.r_[0.5, np.ones(m - 1), 0.5] / m, mode="valid")
    ratio = x[m // 2:m // 2 + len(trend)] / trend
    phases = (np.arange(len(ratio)) + m // 2) % m
    idx = np.array([ratio[phases == k].mean() for k in range(m)])
    return idx / idx.mean()


def theta(yi, o, horizon=24, m=24, days=None):
    """The Theta method (Assimakopoulos and Nikolopoulos 2000, as SES with
    drift, Hyndman and Billah 2003) on the multiplicatively deseasonalised
    history before origin o (its last `days` seasons, or all), alpha on a
    grid by in-sample squared error."""
    x = yi[:o] if days is None else yi[o - days * m:o]
    n = len(x)
    idx = seasonal_indices(x, m)
    d = x / idx[np.arange(n) % m]
    best = None
    for a in np.linspace(0.05, 1, 20):
        level, sse = d[0], 0.0
        for v in d[1:]:
            sse += (v - level) ** 2
            level = a * v + (1 - a) * level
        if best is None or sse < best[0]:
            best = (sse, a, level)
    _, a, level = best
    slope = np.polyfit(np.arange(n), d, 1)[0]
    h = np.arange(1, horizon + 1)
    return (level + slope / 2 * (h - 1 + 1 / a - (1 - a) ** n / a)) * idx[(n + h - 1) % m]


def hourly_probes(traces, tag, clients_out):
    y, missing = hourly(traces, tag)
    p = Protocol(y, missing, 24, 24, 1, 72)
    m10 = clients(traces, tag, 6 * len(y))
    agg10 = m10.sum(0)
    for t in range(len(agg10)):  # the protocol's imputation, at 10-minute resolution
        if missing[t // 6]:
            agg10[t] = agg10[t - 144]
    ch = m10.reshape(len(m10), len(y), 6).sum(2)
    yi = p.yi
    probes = {
        "last hour": lambda o: np.repeat(yi[o - 1], 24),
        "last 20 min x 6": lambda o: np.repeat(agg10[6 * o - 2:6 * o].mean() * 6, 24),
        "mean of last 3 h": lambda o: np.repeat(yi[o - 3:o].mean(), 24),
        "mean of last 24 h": lambda o: np.repeat(yi[o - 24:o].mean(), 24),
        "0.8 last + 0.2 mean of last 168 h": lambda o: np.repeat(0.2 * yi[max(0, o - 168):o].mean() + 0.8 * yi[o - 1], 24),
        "Theta, deseasonalised, whole history": lambda o: theta(yi, o),
        "Theta, deseasonalised, last 7 days": lambda o: theta(yi, o, days=7),
    }

    def per_client(o):
        # Per-client features scaled by the client's mean over the last week.
        t = 6 * o
        past = ch[:, :o]
        s = past[:, -168:].mean(1) + 1.0
        f = [m10[:, t - 2:t].mean(1) * 6, past[:, -1], np.median(past[:, -24:], 1),
             past[:, -24:].mean(1), np.median(past[:, -168:], 1)]
        return np.stack([v / s for v in f] + [np.ones(len(s))], 1), s

    def fit_per_client(end):
        xs, ys, ws = [], [], []
        for o in range(48, end - 24 + 1):
            if missing[o - 24:o + 24].any():
                continue
            x, s = per_client(o)
            xs.append(x), ys.append(ch[:, o:o + 24] / s[:, None]), ws.append(s)
        return weighted_lad(np.concatenate(xs), np.concatenate(ys), np.concatenate(ws))

    results = []
    for name, f in probes.items():
        results.append((name, p.mase(f, p.validation), p.mase(f, p.test)))
    online = online_combination(yi, len(y))
    results.append(("online: 9 simple methods, weights 1/error^2 of last 24 origins",
                    p.mase(online, p.validation), p.mase(online, p.test)))
    wv, wt = fit_per_client(p.t0 - 72), fit_per_client(p.t0)
    forecast_with = lambda w: (lambda o: ((lambda x, s: ((x @ w) * s[:, None]).sum(0))(*per_client(o))))
    results.append(("bottom-up: one median regression over all clients, summed",
                    p.mase(forecast_with(wv), p.validation), p.mase(forecast_with(wt), p.test)))
    best_constant = float(np.mean(np.concatenate(
        [np.abs(y[o:o + 24] - np.median(y[o:o + 24])) for o in p.test])) / p.scale)
    if clients_out:
        write_clients(ch, missing, f"{clients_out}/{tag}")
    return p, results, best_constant


def online_combination(yi, n, start=169, recent=24):
    """Forecast combination with time-varying weights: at origin o each
    simple method weighs 1/e^2, e its mean absolute error over what has been
    observed of its forecasts from the last `recent` origins."""
    def simple(o):
        h = yi[:o]
        ses = h[0]
        for v in h:
            ses = 0.5 * v + 0.5 * ses
        days = [h[len(h) - 24 * (d + 1):len(h) - 24 * d] for d in range(min(7, o // 24))]
        profile = np.mean(days, 0)
        return np.stack([np.repeat(h[-1], 24), h[-24:], h[-168:-144], np.repeat(h[-24:].mean(), 24),
                         np.repeat(h[-3:].mean(), 24), np.repeat(ses, 24), profile,
                         h[-24:].mean() * profile / profile.mean(),
                         h[-1] + (h[-1] - h[-169]) / 168 * np.arange(1, 25)])
    forecasts = {o: simple(o) for o in range(start, n - 23)}

    def combine(o):
        errors = [[] for _ in range(len(forecasts[start]))]
        for past in range(max(start, o - recent), o):
            seen = min(24, o - past)
            for m, f in enumerate(forecasts[past]):
                errors[m].extend(np.abs(f[:seen] - yi[past:past + seen]))
        w = 1 / np.array([np.mean(e) for e in errors]) ** 2
        return (w[:, None] * forecasts[o]).sum(0) / w.sum()
    return combine


def write_clients(ch, missing, folder):
    os.makedirs(folder, exist_ok=True)
    for rank, c in enumerate(np.argsort(-ch.sum(1), kind="stable")[:40]):
        with open(f"{folder}/client{rank:02d}.csv", "w") as f:
            f.write("timestamp_s,requests,zero_windows\n")
            for t, v in enumerate(ch[c]):
                f.write(f"{t * 3600},{v:.1f},{int(missing[t])}\n")


def ten_minute_probes(traces, tag):
    rows = list(csv.DictReader(open(f"{traces}/servegen_{tag}_per_10min.csv")))
    y = np.array([float(r["requests"]) for r in rows])
    p = Protocol(y, y == 0, 144, 2, 6, 432)
    yi = p.yi
    probes = {
        "last value": lambda o: np.repeat(yi[o - 1], 2),
        "0.8 last + 0.2 previous": lambda o: np.repeat(0.8 * yi[o - 1] + 0.2 * yi[o - 2], 2),
        "0.9 last + 0.1 mean of last 24": lambda o: np.repeat(0.1 * yi[o - 24:o].mean() + 0.9 * yi[o - 1], 2),
        "mean of last 2": lambda o: np.repeat(yi[o - 2:o].mean(), 2),
    }
    return p, [(n, p.mase(f, p.validation), p.mase(f, p.test)) for n, f in probes.items()]


def anchor_hindsight(anchors, tag, scale):
    """The best mean of up to three anchors, chosen on the test windows themselves."""
    forecasts, actual = defaultdict(dict), {}
    for name in (f"{tag}_t1_forecasts.csv.gz", f"{tag}_var_t1_forecasts.csv.gz"):
        with gzip.open(f"{anchors}/{name}", "rt") as f:
            for r in csv.DictReader(f):
                key = (r["origin"], int(r["h"]))
                forecasts[r["method"]][key] = float(r["yhat"])
                actual[key] = float(r["y"])
    keys = sorted(actual)
    y = np.array([actual[k] for k in keys])
    f = {m: np.array([v[k] for k in keys]) for m, v in forecasts.items()}
    best = min((float(np.abs(np.mean([f[m] for m in c], 0) - y).mean()) / scale, c)
               for r in (1, 2, 3) for c in itertools.combinations(sorted(f), r))
    return best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "data")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", default=os.path.join(data, "traces"))
    ap.add_argument("--anchors", required=True)
    ap.add_argument("--clients-out")
    a = ap.parse_args()
    for tag, anchor in (("m-large", "mlarge_h"), ("m-mid", "mmid_h")):
        p, results, best_constant = hourly_probes(a.traces, tag, a.clients_out)
        print(f"{tag} hourly, 24 h: {len(p.test)} test origins, MASE scale {p.scale:,.0f}")
        for name, v, t in results:
            print(f"  {name:60s} validation {v:.3f}  test {t:.3f}")
        print(f"  {'hindsight: best constant per test window (its median)':60s} {'':16s}test {best_constant:.3f}")
        mase, members = anchor_hindsight(a.anchors, anchor, p.scale)
        print(f"  {'hindsight: best mean of <= 3 anchors: ' + ' + '.join(members):60s} {'':16s}test {mase:.3f}")
    for tag in ("m-large", "m-mid"):
        p, results = ten_minute_probes(a.traces, tag)
        print(f"{tag} 10-minute, 2 steps: {len(p.test)} test origins, MASE scale {p.scale:,.0f}")
        for name, v, t in results:
            print(f"  {name:60s} validation {v:.3f}  test {t:.3f}")


if __name__ == "__main__":
    main()
