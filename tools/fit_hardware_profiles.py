#!/usr/bin/env python3
"""Fit Headroom hardware latency profiles from Vidur's public profiling data.

Data: Vidur (github.com/microsoft/vidur @7d47513, MIT licence; Agrawal et al.,
"Vidur: A Large-Scale Simulation Framework for LLM Inference", MLSys 2024),
per-operator profiling CSVs copied to data/profiles (gzip).

What this script does, per profile (GPU x model x TP x PP):

1. Reconstructs the time of one pipeline-stage iteration for a batch shape the
   way Vidur's execution-time predictor composes it (vidur/entities/
   execution_time.py + sklearn_execution_time_predictor.py):

     block(ms) = input_layernorm + attn_pre_proj + attn_rope + attn_post_proj
               + post_attention_layernorm + mlp_up_proj + mlp_act + mlp_down_proj
               + add                                   (token-parallel ops, from
                                                         *_mlp.csv.gz at this TP,
                                                         median column, tokens
                                                         rounded up to a multiple
                                                         of 8 like Vidur, also
                                                         below 8)
               + attn_decode(b, ceil64(int(mean context))) * (1 + 0.1 if b > 1)
               + attn_prefill(sum ceil64(prior), round(sqrt(sum chunk^2)))
                                              * (1 + 0.1 if >1 prefill)
                 (the 0.1 batching overheads for GQA models only, as in Vidur)
               + 2 * (all_reduce(tokens * n_embd * 2 bytes) + 0.02 ms)   if TP>1
     stage(ms) = block * layers / PP + send_recv(tokens * n_embd * 2 bytes)
                 on all but the last stage (we report the AVERAGE stage, i.e.
                 send_recv * (PP-1)/PP, so that PP stages sum to the replica).

   Vidur adds no embedding/LM-head/sampling time (its model_time skips them)
   and, with its default skip_cpu_overhead_modeling=True (no cpu_overhead data
   is published for these models), no scheduler/sampler CPU overhead either;
   we do the same so that our profiles reproduce Vidur's reference runs.
   `--cpu-overhead-ms` adds a constant per-iteration overhead if wanted.

   Attention: only one attention profile exists (Llama-2-70B shape, TP2,
   A100). For that shape the raw table is read (linear interpolation, held
   constant beyond its edges, as Vidur's random forests behave).  For other
   shapes we fit a small parametric model to it, per layer (ms):
       decode(b, kv_avg)   = d0 + d1*b + d2*b*kv_avg        (b*kv_avg = K)
       prefill(c, prior)   = p0 + p1*c + p2*c*(prior + c/2)
   and scale it to other shapes / GPUs:
       d2 *= (kv_heads/TP * head_dim) / (8/2 * 128)  [bytes of KV read per token]
             / memory-bound speed ratio of the GPU vs A100
       p2 *= (q_heads/TP * head_dim) / (64/2 * 128)  [attention FLOPs per pair]
             / attention compute ratio of the GPU vs A100
   d0, d1, p0, p1 (launch/latency terms) are left unscaled.  On H100 the
   memory-bound ratio is measured from this data (token-parallel operators at
   1..64 tokens, H100 vs A100 file of the same model and TP); the attention
   compute ratio is an assumption, 1.46 = 335/230 TFLOP/s, the peak FlashAttention-2
   forward throughputs reported for H100 and A100 (Dao 2023).  Multi-prefill
   batches use Vidur's aggregation (sum of prior contexts, sqrt of sum of
   squared chunks).

2. Generates a deterministic grid of realistic batch shapes (decode batches,
   full and chunked prefills, several prompts per batch, mixed chunked-prefill
   batches) within the replica's KV capacity and token budget.

3. Fits the compact stage-time function used by Headroom's simulator
       t = fixed + max(linear_floor, per_token*T) + per_kv_token*K
           + per_prefill_pair*A + per_token_comm*T
   (T = prefill tokens + decode sequences, K = sum of decode contexts,
    A = sum over prefill chunks of chunk*(prior + chunk/2)), all coefficients
   >= 0: per_token_comm by weighted least squares on the communication part
   alone, then the rest by non-negative least squares weighted by 1/t
   (relative error), scanning the breakpoint linear_floor/per_token.

4. Writes models/hardware/<name>.yaml, <name>_iterations.csv and
   models/hardware/fit_report.md.  Deterministic, no network, numpy + scipy.

Usage: python3 tools/fit_hardware_profiles.py [--data DIR] [--out DIR]
"""

import argparse
import csv
import gzip
import math
import os
import sys

import numpy as np
from scipy.optimize import nnls

VIDUR_SOURCE = ("Vidur profiling data (microsoft/vidur @7d47513, MIT; Agrawal et al., "
                "MLSys 2024), fitted by tools/fit_hardware_profiles.py")

GIB = 1024 ** 3

# Model shapes (Hugging Face configs) and parameter counts (exact, from the
# safetensors index / model cards).
MODELS = {
    "Llama-2-7b-hf": dict(hf="Llama-2-7b-hf", layers=32, n_embd=4096, q_heads=32, kv_heads=32,
                          head_dim=128, ffn=11008, vocab=32000, params=6_738_415_616),
    "Meta-Llama-3-8B": dict(hf="Meta-Llama-3-8B", layers=32, n_embd=4096, q_heads=32, kv_heads=8,
                            head_dim=128, ffn=14336, vocab=128256, params=8_030_261_248),
    "Llama-2-70b-hf": dict(hf="Llama-2-70b-hf", layers=80, n_embd=8192, q_heads=64, kv_heads=8,
                           head_dim=128, ffn=28672, vocab=32000, params=68_976_648_192),
}

# GPU memory as reported by nvidia-smi (A100-SXM4-80GB: 81920 MiB; H100-SXM5-80GB:
# 81559 MiB).  Prices: see models/hardware/README.md.
GPUS = {
    "a100": dict(name="A100-80GB", mem_bytes=81920 * 1024 ** 2, price=2.0,
                 int8_time=0.70, fp8_time=0.85, attn_compute_ratio=1.0),
    "h100": dict(name="H100-80GB", mem_bytes=81559 * 1024 ** 2, price=3.0,
                 int8_time=0.70, fp8_time=0.70, attn_compute_ratio=335.0 / 230.0),
}

GPU_MEMORY_UTILIZATION = 0.9       # vLLM default gpu_memory_utilization (= Vidur memory_margin 0.1)
ACTIVATION_TOKENS = 4096           # largest batch (tokens) profiled; sizes the activation reserve
NCCL_LAUNCH_MS = 0.02              # Vidur nccl_cpu_launch_overhead_ms default
DECODE_BATCH_OVERHEAD = 0.1        # Vidur attention_decode_batching_overhead_fraction
PREFILL_BATCH_OVERHEAD = 0.1       # Vidur attention_prefill_batching_overhead_fraction
KV_GRANULARITY = 64               # Vidur kv_cache_prediction_granularity default
REF_ATTN = dict(q_per_gpu=64 // 2, kv_per_gpu=8 // 2, head_dim=128)  # the profiled attention shape

PROFILES = [
    dict(name="a100-llama2-7b", gpu="a100", model="Llama-2-7b-hf", tp=1, pp=1, max_seqs=256),
    dict(name="h100-llama2-7b", gpu="h100", model="Llama-2-7b-hf", tp=1, pp=1, max_seqs=256),
    dict(name="a100-llama3-8b", gpu="a100", model="Meta-Llama-3-8B", tp=1, pp=1, max_seqs=256),
    dict(name="a100-llama2-70b-tp2-pp2", gpu="a100", model="Llama-2-70b-hf", tp=2, pp=2, max_seqs=128),
    dict(name="a100-llama2-70b-tp4", gpu="a100", model="Llama-2-70b-hf", tp=4, pp=1, max_seqs=256),
    dict(name="h100-llama2-70b-tp4", gpu="h100", model="Llama-2-70b-hf", tp=4, pp=1, max_seqs=256),
]
MAX_MODEL_LEN = 4096
MAX_BATCH_TOKENS = 4096
KV_BLOCK = 16

TOKEN_OPS = ["input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj",
             "post_attention_layernorm", "mlp_up_proj", "mlp_act", "mlp_down_proj", "add"]


# ----------------------------------------------------------------------------- data

def round_up(x, step):
    """x rounded up to a multiple of step (Vidur's (x + step - 1) // step * step)."""
    return (int(x) + step - 1) // step * step


def read_csv_gz(path):
    with gzip.open(path, "rt", newline="") as fh:
        return list(csv.DictReader(fh))


class TokenOps:
    """Sum of Vidur's token-parallel operator medians (ms per layer) vs num_tokens."""

    def __init__(self, rows, tp):
        per_n = {}
        for r in rows:
            if int(r["num_tensor_parallel_workers"]) != tp:
                continue
            n = int(r["num_tokens"])
            per_n.setdefault(n, []).append(sum(float(r[f"time_stats.{op}.median"]) for op in TOKEN_OPS))
        if not per_n:
            raise SystemExit(f"no operator rows for TP={tp}")
        self.n = np.array(sorted(per_n), dtype=float)
        self.t = np.array([float(np.median(per_n[k])) for k in sorted(per_n)])

    def __call__(self, tokens):
        tr = round_up(tokens, 8)  # Vidur: batch._total_num_tokens_rounded
        if tr > self.n[-1]:  # linear extrapolation from the last two points
            slope = (self.t[-1] - self.t[-2]) / (self.n[-1] - self.n[-2])
            return float(self.t[-1] + slope * (tr - self.n[-1]))
        return float(np.interp(tr, self.n, self.t))


class Collective:
    """Median time (ms) of a collective vs message size (bytes), interpolated."""

    def __init__(self, rows, kind, workers, devices_per_node):
        pts = {}
        for r in rows:
            if (int(r["num_workers"]) == workers and int(r["devices_per_node"]) == devices_per_node
                    and r["collective"] == kind):
                pts.setdefault(int(r["size"]), []).append(float(r[f"time_stats.{kind}.median"]))
        if not pts:
            raise SystemExit(f"no {kind} rows for workers={workers} devices_per_node={devices_per_node}")
        self.s = np.array(sorted(pts), dtype=float)
        self.t = np.array([float(np.median(pts[k])) for k in sorted(pts)])

    def __call__(self, size):
        return float(np.interp(size, self.s, self.t))


def wls(X, y, w):
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)
    return coef


class Attention:
    """Parametric attention model fitted to the 70B-shape TP2 A100 profile."""

    def __init__(self, rows):
        dec, pre = [], []
        for r in rows:
            kv = float(r["kv_cache_size"])
            if r["is_prefill"] == "True":
                c = float(r["prefill_chunk_size"])
                pre.append((c, kv, float(r["time_stats.attn_prefill.median"])))
            else:
                b = float(r["batch_size"])
                dec.append((b, kv, float(r["time_stats.attn_decode.median"])))
        dec = np.array(dec)
        pre = np.array(pre)
        b, kv, t = dec.T
        Xd = np.column_stack([np.ones_like(b), b, b * kv])
        self.d = np.maximum(wls(Xd, t, 1.0 / t ** 2), 0.0)
        c, prior, tp = pre.T
        Xp = np.column_stack([np.ones_like(c), c, c * (prior + c / 2)])
        self.p = np.maximum(wls(Xp, tp, 1.0 / tp ** 2), 0.0)
        self.dec_ape = np.abs(Xd @ self.d - t) / t
        self.pre_ape = np.abs(Xp @ self.p - tp) / tp
        self.n_dec, self.n_pre = len(t), len(tp)
        # The raw table, as Vidur's random forests see it: medians per grid point,
        # interpolated linearly between points and held constant beyond the edges
        # (a tree ensemble cannot extrapolate).
        grid = {}
        for bb, k, tt in dec:
            grid.setdefault(int(bb), {}).setdefault(int(k), []).append(tt)
        self.dec_grid = {bb: (np.array(sorted(g), dtype=float), np.array([np.median(g[k]) for k in sorted(g)]))
                         for bb, g in grid.items()}
        self.dec_b = np.array(sorted(self.dec_grid), dtype=float)
        grid = {}
        for cc, k, tt in pre:
            grid.setdefault(int(cc), {}).setdefault(int(k), []).append(tt)
        self.pre_grid = {cc: (np.array(sorted(g), dtype=float), np.array([np.median(g[k]) for k in sorted(g)]))
                         for cc, g in grid.items()}
        self.pre_c = np.array(sorted(self.pre_grid), dtype=float)

    @staticmethod
    def _between(axis, x):
        """Neighbouring grid values around x (clamped) and the weight of the upper one."""
        x = min(max(x, axis[0]), axis[-1])
        j = int(np.searchsorted(axis, x))
        if axis[j] == x:
            return axis[j], axis[j], 0.0
        lo, hi = axis[j - 1], axis[j]
        return lo, hi, (x - lo) / (hi - lo)

    def decode_table(self, b, kv):
        """Decode attention (ms per layer) of b sequences of kv cached tokens each."""
        lo, hi, w = self._between(self.dec_b, float(b))
        t = [float(np.interp(kv, *self.dec_grid[int(v)])) for v in (lo, hi)]
        return t[0] + w * (t[1] - t[0])

    def prefill_table(self, chunk, kv):
        """Prefill attention (ms per layer) of a chunk after kv cached tokens."""
        lo, hi, w = self._between(self.pre_c, float(chunk))
        t = [float(np.interp(kv, *self.pre_grid[int(v)])) for v in (lo, hi)]
        return t[0] + w * (t[1] - t[0])

    def scaled(self, kv_scale, q_scale):
        d = self.d.copy()
        p = self.p.copy()
        d[2] *= kv_scale
        p[2] *= q_scale
        return d, p


# ----------------------------------------------------------------------------- composition

class StageModel:
    def __init__(self, prof, data):
        self.prof = prof
        m = MODELS[prof["model"]]
        g = GPUS[prof["gpu"]]
        self.m, self.g = m, g
        tp, pp = prof["tp"], prof["pp"]
        self.tp, self.pp = tp, pp
        self.layers_per_stage = m["layers"] / pp
        mlp_rows = read_csv_gz(os.path.join(data, f"{prof['gpu']}_{m['hf']}_mlp.csv.gz"))
        self.ops = TokenOps(mlp_rows, tp)
        # memory-bound and compute-bound GPU speed ratios vs A100 (same model, same TP)
        if prof["gpu"] == "a100":
            self.mem_ratio = 1.0
        else:
            a100_ops = TokenOps(read_csv_gz(os.path.join(data, f"a100_{m['hf']}_mlp.csv.gz")), tp)
            self.mem_ratio = float(np.median([a100_ops(n) / self.ops(n) for n in (1, 2, 4, 8, 16, 32, 64)]))
        att = Attention(read_csv_gz(os.path.join(data, "a100_attention_llama70b-shape_tp2.csv.gz")))
        self.attn_base = att
        kv_scale = (m["kv_heads"] / tp * m["head_dim"]) / (REF_ATTN["kv_per_gpu"] * REF_ATTN["head_dim"])
        q_scale = (m["q_heads"] / tp * m["head_dim"]) / (REF_ATTN["q_per_gpu"] * REF_ATTN["head_dim"])
        self.kv_scale = kv_scale / self.mem_ratio
        self.q_scale = q_scale / g["attn_compute_ratio"]
        self.d, self.p = att.scaled(self.kv_scale, self.q_scale)
        # Vidur predicts attention from the profile of the model's own shape; only the
        # Llama-2-70B shape at TP2 on A100 was published, elsewhere we scale.
        self.attn_table = (prof["gpu"] == "a100" and m["q_heads"] // tp == REF_ATTN["q_per_gpu"]
                           and m["kv_heads"] // tp == REF_ATTN["kv_per_gpu"]
                           and m["head_dim"] == REF_ATTN["head_dim"])
        # Vidur applies the attention batching overheads to GQA models only.
        gqa = m["q_heads"] > m["kv_heads"]
        self.decode_overhead = DECODE_BATCH_OVERHEAD if gqa else 0.0
        self.prefill_overhead = PREFILL_BATCH_OVERHEAD if gqa else 0.0
        net = prof["gpu"]
        self.ar = None
        if tp > 1:
            self.ar = Collective(read_csv_gz(os.path.join(data, f"network_{net}_dgx_all_reduce.csv.gz")),
                                 "all_reduce", tp, tp)
        self.sr = None
        if pp > 1:  # Vidur, single node: send_recv rows with devices_per_node == 2
            self.sr = Collective(read_csv_gz(os.path.join(data, f"network_{net}_dgx_send_recv.csv.gz")),
                                 "send_recv", 2, 2)
        self.cpu_overhead_ms = 0.0

    def comm_ms(self, T):
        """Communication time of one average stage (ms) for T batched tokens."""
        if T <= 0:
            return 0.0
        size = round_up(T, 8) * self.m["n_embd"] * 2
        t = 0.0
        if self.ar is not None:
            t += 2 * (self.ar(size) + NCCL_LAUNCH_MS) * self.layers_per_stage
        if self.sr is not None:
            t += self.sr(size) * (self.pp - 1) / self.pp
        return t

    def decode_attention_ms(self, decode_ctx, parametric=False):
        """Decode attention per layer (ms), as Vidur predicts it: from the batch
        size and the MEAN context, truncated to an integer and rounded UP to
        kv_cache_prediction_granularity (64); x (1 + 0.1) when more than one
        sequence decodes in a GQA model."""
        b = len(decode_ctx)
        kv = round_up(int(np.mean(decode_ctx)), KV_GRANULARITY)
        if self.attn_table and not parametric:
            att = self.attn_base.decode_table(b, kv)
        else:
            att = self.d[0] + self.d[1] * b + self.d[2] * b * kv
        return att * (1 + self.decode_overhead * (b > 1))

    def prefill_attention_ms(self, prefills, parametric=False):
        """Prefill attention per layer (ms), as Vidur predicts it: each prior
        context rounded UP to 64, the batch aggregated as (sum of prior contexts,
        round(sqrt(sum of squared chunks))); x (1 + 0.1) for several prompts in a
        GQA model."""
        agg_prior = float(sum(round_up(p, KV_GRANULARITY) for p, _ in prefills))
        agg_c = float(round(math.sqrt(sum(c * c for _, c in prefills))))
        if self.attn_table and not parametric:
            att = self.attn_base.prefill_table(agg_c, agg_prior)
        else:
            att = self.p[0] + self.p[1] * agg_c + self.p[2] * agg_c * (agg_prior + agg_c / 2)
        return att * (1 + self.prefill_overhead * (len(prefills) > 1))

    def stage_ms(self, decode_ctx, prefills, parametric=False):
        """decode_ctx: list of decode contexts; prefills: list of (prior, chunk).

        parametric=True uses the parametric attention model even for the profiled
        shape (to measure what it changes there)."""
        T = sum(c for _, c in prefills) + len(decode_ctx)
        block = self.ops(T)
        if decode_ctx:
            block += self.decode_attention_ms(decode_ctx, parametric)
        if prefills:
            block += self.prefill_attention_ms(prefills, parametric)
        compute = block * self.layers_per_stage
        return compute + self.comm_ms(T) + self.cpu_overhead_ms

    # ---- memory
    def memory(self):
        m, tp, pp = self.m, self.tp, self.pp
        usable = self.g["mem_bytes"] * GPU_MEMORY_UTILIZATION
        weights = m["params"] * 2 / (tp * pp)
        act = (ACTIVATION_TOKENS * (3 * m["ffn"] / tp + 4 * m["n_embd"]) * 2
               + self.prof["max_seqs"] * m["vocab"] * 4)
        free = usable - weights - act
        kv_per_token = 2 * self.layers_per_stage * (m["kv_heads"] / tp) * m["head_dim"] * 2
        tokens = int(free // kv_per_token) // KV_BLOCK * KV_BLOCK
        return dict(usable=usable, weights=weights, act=act, free=free, kv_per_token=kv_per_token,
                    tokens=tokens)


# ----------------------------------------------------------------------------- grid

def shape_features(decode_ctx, prefills):
    T = sum(c for _, c in prefills) + len(decode_ctx)
    K = sum(decode_ctx)
    A = sum(c * (p + c / 2) for p, c in prefills)
    return T, K, A


def make_grid(max_seqs, kv_cap, seed):
    rng = np.random.default_rng(seed)
    shapes = []

    def ok(dec, pre):
        T, K, _ = shape_features(dec, pre)
        used = K + sum(p + c for p, c in pre)
        return 0 < T <= MAX_BATCH_TOKENS and used <= kv_cap and len(dec) + len(pre) <= max_seqs

    def add(dec, pre):
        if ok(dec, pre):
            shapes.append((list(dec), list(pre)))

    # decode-only: uniform and heterogeneous contexts
    for b in (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 224, 256):
        for ctx in (64, 256, 512, 1024, 1536, 2048, 3072, 4096):
            add([ctx] * b, [])
        for _ in range(3):
            add([int(x) for x in rng.integers(16, MAX_MODEL_LEN, size=b)], [])
    # single full prefills
    for c in (1, 8, 16, 32, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 2560, 3072, 3584, 4096):
        add([], [(0, c)])
    # chunked prefill continuation chunks
    for prior in (256, 512, 1024, 2048, 3072):
        for c in (64, 256, 512, 1024, 2048):
            if prior + c <= MAX_MODEL_LEN:
                add([], [(prior, c)])
    # several prompts in one batch (vLLM/Vidur batch whole prompts up to the token budget)
    for _ in range(30):
        k = int(rng.integers(2, 6))
        cs = [int(x) for x in rng.integers(32, 1600, size=k)]
        while sum(cs) > MAX_BATCH_TOKENS:
            cs.pop()
        if len(cs) >= 2:
            add([], [(0, c) for c in cs])
    # mixed chunked-prefill batches: decodes + one prefill chunk filling the budget
    for _ in range(220):
        b = int(rng.choice([1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 192, 256]))
        budget = int(rng.choice([256, 512, 1024, 2048, 4096]))
        ctx_mean = float(rng.choice([128, 512, 1024, 2048, 3072]))
        dec = [int(x) for x in np.clip(rng.normal(ctx_mean, ctx_mean / 3, size=b), 16, MAX_MODEL_LEN)]
        c = budget - b
        if c <= 0:
            continue
        prior = int(rng.choice([0, 0, 512, 1024, 2048]))
        c = min(c, MAX_MODEL_LEN - prior)
        add(dec, [(prior, c)])
    return shapes


# ----------------------------------------------------------------------------- fit

def fit_compact(rows, comm):
    """rows: array [T, K, A, y] (seconds); comm: comm seconds per row."""
    T, K, A, y = rows.T
    w = 1.0 / y ** 2  # relative-error weighting
    # 1) communication slope (intercept goes to `fixed`)
    if np.any(comm > 0):
        c = wls(np.column_stack([np.ones_like(T), T]), comm, 1.0 / np.maximum(comm, 1e-12) ** 2)
        per_token_comm = max(0.0, float(c[1]))
    else:
        per_token_comm = 0.0
    r = y - per_token_comm * T
    sw = np.sqrt(w)
    best = None
    for T0 in np.unique(np.concatenate([np.geomspace(1, 2048, 120), [1.0]])):
        X = np.column_stack([np.ones_like(T), np.maximum(T0, T), K, A])
        coef, _ = nnls(X * sw[:, None], r * sw)
        pred = X @ coef + per_token_comm * T
        err = float(np.sum(((pred - y) / y) ** 2))
        if best is None or err < best[0]:
            best = (err, T0, coef)
    _, T0, (fixed, a, k, pa) = best
    coefs = dict(fixed=float(fixed), linear_floor=float(a * T0), per_token=float(a),
                 per_kv_token=float(k), per_prefill_pair=float(pa), per_token_comm=per_token_comm)
    return coefs


def predict(coefs, T, K, A):
    return (coefs["fixed"] + np.maximum(coefs["linear_floor"], coefs["per_token"] * T)
            + coefs["per_kv_token"] * K + coefs["per_prefill_pair"] * A + coefs["per_token_comm"] * T)


# ----------------------------------------------------------------------------- output

def fmt(x):
    if x == 0:
        return "0.0"
    return f"{x:.6g}" if abs(x) >= 1e-4 else f"{x:.6e}"


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def yaml_text(prof, sm, mem, coefs, nrows, mape, max_ape):
    g, m = sm.g, sm.m
    w = mem["weights"]
    int8_kv = (mem["free"] + w / 2) / mem["free"]
    fp8_kv = 2 * (mem["free"] + w / 2) / mem["free"]
    return f"""format: headroom-hardware/1
name: {prof['name']}
gpu: {g['name']}
model: {m['hf']}
source: "{VIDUR_SOURCE}"
tensor_parallel: {prof['tp']}
pipeline_parallel: {prof['pp']}
gpus_per_replica: {prof['tp'] * prof['pp']}
price_per_gpu_hour: {g['price']:.2f}         # USD on-demand, see README (price source)
kv_cache_tokens: {mem['tokens']}         # see README (KV-capacity arithmetic)
kv_block_size: {KV_BLOCK}
max_model_len: {MAX_MODEL_LEN}
iteration:                      # seconds, one pipeline stage
  fixed: {fmt(coefs['fixed'])}
  linear_floor: {fmt(coefs['linear_floor'])}
  per_token: {fmt(coefs['per_token'])}
  per_kv_token: {fmt(coefs['per_kv_token'])}
  per_prefill_pair: {fmt(coefs['per_prefill_pair'])}
  per_token_comm: {fmt(coefs['per_token_comm'])}
fit:
  rows: {nrows}
  mape: {mape:.4f}
  max_ape: {max_ape:.4f}
quantization:                   # assumptions, see README
  int8: {{time_factor: {g['int8_time']:.2f}, kv_capacity_factor: {int8_kv:.3f}}}
  fp8: {{time_factor: {g['fp8_time']:.2f}, kv_capacity_factor: {fp8_kv:.3f}}}
"""


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(repo, "data", "profiles"),
                    help="directory with Vidur's *.csv.gz files (default data/profiles)")
    ap.add_argument("--out", default=os.path.join(repo, "models", "hardware"),
                    help="output directory (default models/hardware)")
    ap.add_argument("--cpu-overhead-ms", type=float, default=0.0,
                    help="constant CPU overhead added to every reconstructed iteration "
                         "(Vidur's default adds none; default 0)")
    ap.add_argument("--seed", type=int, default=20240501, help="grid seed (default keeps outputs stable)")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    report = ["# Fit report (generated by tools/fit_hardware_profiles.py)", ""]
    summary = []
    attn_lines = None
    attn_check = None
    for i, prof in enumerate(PROFILES):
        sm = StageModel(prof, args.data)
        sm.cpu_overhead_ms = args.cpu_overhead_ms
        if attn_lines is None:
            a = sm.attn_base
            attn_lines = [
                "## Attention model fitted to the 70B-shape TP2 A100 profile (ms per layer)",
                "",
                f"- decode = {a.d[0]:.4g} + {a.d[1]:.4g}*b + {a.d[2]:.4g}*K  "
                f"({a.n_dec} rows, MAPE {100 * a.dec_ape.mean():.1f}%, "
                f"p90 APE {100 * np.percentile(a.dec_ape, 90):.1f}%)",
                f"- prefill = {a.p[0]:.4g} + {a.p[1]:.4g}*c + {a.p[2]:.4g}*c*(prior + c/2)  "
                f"({a.n_pre} rows, MAPE {100 * a.pre_ape.mean():.1f}%, "
                f"p90 APE {100 * np.percentile(a.pre_ape, 90):.1f}%)",
                "",
            ]
        mem = sm.memory()
        shapes = make_grid(prof["max_seqs"], mem["tokens"], args.seed + i)
        rows, comm = [], []
        for dec, pre in shapes:
            T, K, A = shape_features(dec, pre)
            y = sm.stage_ms(dec, pre) / 1e3
            rows.append((T, K, A, y))
            comm.append(sm.comm_ms(T) / 1e3)
        rows = np.array(rows, dtype=float)
        comm = np.array(comm)
        table_check = None
        if sm.attn_table:
            alt = np.array([sm.stage_ms(dec, pre, parametric=True) / 1e3 for dec, pre in shapes])
            diff = np.abs(alt - rows[:, 3]) / rows[:, 3]
            table_check = (len(alt), float(diff.mean()), float(diff.max()))
        coefs = fit_compact(rows, comm)
        pred = predict(coefs, rows[:, 0], rows[:, 1], rows[:, 2])
        ape = np.abs(pred - rows[:, 3]) / rows[:, 3]
        mape, max_ape = float(ape.mean()), float(ape.max())
        write_atomic(os.path.join(args.out, f"{prof['name']}.yaml"),
                     yaml_text(prof, sm, mem, coefs, len(rows), mape, max_ape))
        lines = ["prefill_tokens,decode_sequences,kv_tokens,prefill_pairs,iteration_seconds"]
        for (dec, pre), (T, K, A, y) in zip(shapes, rows):
            lines.append(f"{sum(c for _, c in pre)},{len(dec)},{int(K)},{A:.1f},{y:.7f}")
        write_atomic(os.path.join(args.out, f"{prof['name']}_iterations.csv"), "\n".join(lines) + "\n")
        kinds = {
            "decode": np.array([len(p) == 0 for _, p in shapes]),
            "prefill": np.array([len(d) == 0 for d, _ in shapes]),
            "mixed": np.array([len(d) > 0 and len(p) > 0 for d, p in shapes]),
        }
        per_kind = {k: (float(ape[v].mean()) if v.any() else float("nan")) for k, v in kinds.items()}
        summary.append((prof, sm, mem, coefs, len(rows), mape, max_ape, per_kind,
                        float(np.percentile(ape, 95))))
        if table_check:
            attn_check = (prof["name"],) + table_check
        print(f"{prof['name']}: rows={len(rows)} MAPE={100 * mape:.2f}% max={100 * max_ape:.1f}% "
              f"kv_tokens={mem['tokens']} coefs={ {k: float(f'{v:.4g}') for k, v in coefs.items()} }")

    report += ["## Compact-fit error vs reconstructed Vidur stage times", "",
               "| profile | GPUs | rows | MAPE | p95 APE | max APE | MAPE decode / prefill / mixed |",
               "|---|---:|---:|---:|---:|---:|---|"]
    for prof, sm, mem, coefs, n, mape, max_ape, pk, p95 in summary:
        report.append(f"| {prof['name']} | {prof['tp'] * prof['pp']} | {n} | {100 * mape:.1f}% | "
                      f"{100 * p95:.1f}% | {100 * max_ape:.1f}% | "
                      f"{100 * pk['decode']:.1f}% / {100 * pk['prefill']:.1f}% / {100 * pk['mixed']:.1f}% |")
    report += ["", "## Coefficients (seconds)", "",
               "| profile | fixed | linear_floor | per_token | per_kv_token | per_prefill_pair | per_token_comm |",
               "|---|---:|---:|---:|---:|---:|---:|"]
    for prof, sm, mem, coefs, *_ in summary:
        report.append(f"| {prof['name']} | " + " | ".join(fmt(coefs[k]) for k in
                      ("fixed", "linear_floor", "per_token", "per_kv_token", "per_prefill_pair",
                       "per_token_comm")) + " |")
    report += ["", "## Attention scaling applied", "",
               "| profile | decode KV-read scale | prefill FLOP scale | GPU memory-bound ratio vs A100 |",
               "|---|---:|---:|---:|"]
    for prof, sm, *_ in summary:
        report.append(f"| {prof['name']} | {sm.kv_scale:.3f} | {sm.q_scale:.3f} | {sm.mem_ratio:.3f} |")
    report += ["", "## KV-cache capacity per replica", "",
               "| profile | usable/GPU (GiB) | weights/GPU (GiB) | activations/GPU (GiB) | free/GPU (GiB) "
               "| KV bytes/token/GPU | kv_cache_tokens |",
               "|---|---:|---:|---:|---:|---:|---:|"]
    for prof, sm, mem, *_ in summary:
        report.append(f"| {prof['name']} | {mem['usable'] / GIB:.2f} | {mem['weights'] / GIB:.2f} | "
                      f"{mem['act'] / GIB:.2f} | {mem['free'] / GIB:.2f} | {int(mem['kv_per_token'])} | "
                      f"{mem['tokens']} |")
    report += [""] + attn_lines
    if attn_check:
        report += [f"- {attn_check[0]} (the profiled shape, reconstructed from the raw table): the parametric "
                   f"attention model, used for every other shape, would change its {attn_check[1]} stage times "
                   f"by {100 * attn_check[2]:.2f}% on average, at most {100 * attn_check[3]:.1f}%", ""]
    write_atomic(os.path.join(args.out, "fit_report.md"), "\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
