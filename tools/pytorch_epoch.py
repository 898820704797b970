#!/usr/bin/env python3
"""PyTorch's epoch on `headroom bench forecast`'s fixed problem, on this machine.

The issue's speed bar is half of PyTorch's epoch (0.79 s in the forecasting benchmark's protocol v1, docs/forecasting.md,
measured on another machine of this kind). This times the same problem with PyTorch here, so the
two can be put side by side on one machine: 1,321 windows x 168 steps x 10 features, one LSTM
layer of hidden 64, a direct Linear(64 -> 24) head on the last hidden state, MSE, Adam (lr 1e-3),
batch 64, shuffled, one thread. Timing does not depend on the values, so inputs are random.
Nothing here is used by Headroom (BENCHMARKS.md, "LSTM training speed", and docs/decisions/0016).

    pip install torch --index-url https://download.pytorch.org/whl/cpu
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 tools/pytorch_epoch.py [--epochs 8]
"""
import argparse, statistics, time
import torch

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--epochs", type=int, default=8, help="epochs to time; the first is a warm-up and not counted")
epochs = p.parse_args().epochs
torch.set_num_threads(1)
torch.manual_seed(0)
windows, steps, features, hidden, batch, outputs = 1321, 168, 10, 64, 64, 24
x, y = torch.randn(windows, steps, features), torch.randn(windows, outputs)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(features, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, outputs)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
mse = torch.nn.MSELoss()
times = []
for _ in range(epochs):
    order = torch.randperm(windows)
    start = time.perf_counter()
    for i in range(0, windows, batch):
        idx = order[i:i + batch]
        opt.zero_grad()
        mse(net(x[idx]), y[idx]).backward()
        opt.step()
    times.append(time.perf_counter() - start)
timed = times[1:]
print(f"torch {torch.__version__}: epoch seconds median {statistics.median(timed):.3f}, min {min(timed):.3f} "
      f"({len(timed)} epochs after a warm-up), parameters {sum(q.numel() for q in net.parameters())}")
