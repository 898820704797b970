#!/usr/bin/env python3
"""Writes the bundled hourly history as a metrics system would export it.

    python3 examples/history/export.py     (from the repository root)

reads data/traces/servegen_m-large_per_hour.csv (requests per hour, hours
counted from Monday 2024-01-01 00:00 UTC) and writes, next to this script:

- servegen_m-large.prometheus.json: what
  curl 'http://PROM/api/v1/query_range?query=sum(rate(vllm:request_success_total[5m]))&step=5m&...'
  returns for that service: one series, a sample every 5 minutes, each the
  per-second rate over the 5 minutes before it (the hour's count / 3600,
  written as Prometheus writes floats: the shortest text that reads back
  to the same double). Like a real response it does not hold its query, so
  headroom needs --history-values rate to read it.
- servegen_m-large.grafana.csv: the same samples as Grafana's panel
  inspector downloads them with "Formatted data" off: a "Time" column in
  epoch milliseconds and the series named after the query, so headroom
  infers that the values are a rate.

Either, read by headroom and summed into hours, gives the hourly counts
back (to the last bit or two of a double) and so the same plan.
"""
import csv, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EPOCH = 1_704_067_200  # Monday 2024-01-01 00:00 UTC: where the file's relative seconds start
STEP = 300
QUERY = "sum(rate(vllm:request_success_total[5m]))"

rows = list(csv.DictReader(open(os.path.join(ROOT, "data/traces/servegen_m-large_per_hour.csv"))))
samples = []
for row in rows:
    start = EPOCH + int(float(row["timestamp_s"]))
    rate = float(row["requests"]) / 3600
    for k in range(1, 3600 // STEP + 1):
        samples.append((start + k * STEP, rate))

response = {"status": "success",
            "data": {"resultType": "matrix",
                     "result": [{"metric": {"job": "vllm", "model_name": "m-large"},
                                 "values": [[t, repr(v)] for t, v in samples]}]}}
with open(os.path.join(HERE, "servegen_m-large.prometheus.json"), "w") as f:
    json.dump(response, f, separators=(",", ":"))
    f.write("\n")

with open(os.path.join(HERE, "servegen_m-large.grafana.csv"), "w", newline="") as f:
    f.write('"Time","%s"\r\n' % QUERY)
    for t, v in samples:
        f.write("%d,%s\r\n" % (t * 1000, repr(v)))
