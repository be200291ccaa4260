#!/usr/bin/python3
"""PyTorch side of the benchmark harness: the same training steps as bench/workloads.cpp.

Prints one JSON line per workload with the median milliseconds per step. Thread
configuration: --threads sets torch's intra-op threads; OpenBLAS threads come from the
OPENBLAS_NUM_THREADS environment variable, which must be set before torch is imported
(bench/run_bench.py starts one process per configuration).
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch


def training_step(model, opt, loss_fn, x, y):
    """zero_grad, forward, loss, backward, update on the fixed batch (x, y)."""
    state = {}

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        state["loss"] = loss.item()

    return step, state


def seed_ffn(make_optimizer):
    """The seed network 4 -> 200 -> 300 -> 1 with sigmoids, batch 10, MSE."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 200), torch.nn.Sigmoid(), torch.nn.Linear(200, 300),
                                torch.nn.Sigmoid(), torch.nn.Linear(300, 1))
    opt = make_optimizer(model.parameters())
    x, y = torch.randn(10, 4), torch.randn(10, 1)
    return training_step(model, opt, torch.nn.functional.mse_loss, x, y)


def wide_mlp():
    """W2: MLP 784 -> 1024 -> 1024 -> 10 with ReLU, batch 256, cross-entropy, Adam lr 1e-3."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024),
                                torch.nn.ReLU(), torch.nn.Linear(1024, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(256, 784), torch.randint(0, 10, (256,))
    return training_step(model, opt, torch.nn.functional.cross_entropy, x, y)


def recurrent(layer, features, forward, x, y):
    """The recurrent workloads: a recurrent layer and a Linear head, Adam lr 1e-3, MSE."""
    head = torch.nn.Linear(features, 1)
    opt = torch.optim.Adam(list(layer.parameters()) + list(head.parameters()), lr=1e-3)
    return training_step(lambda t: head(forward(t)), opt, torch.nn.functional.mse_loss, x, y)


def lstm_last_step():
    """R1: LSTM 1-64, batch 32 (batch_first), 10 steps, Linear on the last step."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(1, 64, batch_first=True)
    x, y = torch.randn(32, 10, 1), torch.randn(32, 1)
    return recurrent(lstm, 64, lambda t: lstm(t)[0][:, 9], x, y)


def lstm_two_layers():
    """R2: LSTM 32-256 x2 layers, batch 64, 100 steps (time-major), Linear on every step."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(32, 256, num_layers=2)
    x, y = torch.randn(100, 64, 32), torch.randn(100, 64, 1)
    return recurrent(lstm, 256, lambda t: lstm(t)[0], x, y)


def bigru():
    """R3: bidirectional GRU 16-128, batch 32 (batch_first), 50 steps, Linear on every step."""
    torch.manual_seed(0)
    gru = torch.nn.GRU(16, 128, batch_first=True, bidirectional=True)
    x, y = torch.randn(32, 50, 16), torch.randn(32, 50, 1)
    return recurrent(gru, 256, lambda t: gru(t)[0], x, y)


def small_rnn():
    """R4: RNN tanh 1-32, batch 64 (batch_first), 5 steps, Linear on the last step."""
    torch.manual_seed(0)
    rnn = torch.nn.RNN(1, 32, batch_first=True)
    x, y = torch.randn(64, 5, 1), torch.randn(64, 1)
    return recurrent(rnn, 32, lambda t: rnn(t)[0][:, 4], x, y)


class VAE(torch.nn.Module):
    """G1's model; forward(x) returns the loss, as nabla's VAE.loss does."""

    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU())
        self.mu, self.logvar = torch.nn.Linear(512, 20), torch.nn.Linear(512, 20)
        self.decoder = torch.nn.Sequential(torch.nn.Linear(20, 512), torch.nn.ReLU(), torch.nn.Linear(512, 784))

    def forward(self, x):
        h = self.encoder(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(logvar * 0.5)
        nll = torch.nn.functional.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="none").sum(1)
        kl = ((logvar.exp() + mu.square() - 1 - logvar).sum(-1)) * 0.5
        return nll.mean() + kl.mean()


def vae():
    """G1: VAE 784-512-(2x20), 20-512-784 ReLU, batch 128 of U[0, 1) inputs, BCE-with-logits
    summed over the pixels + KL to N(0, I), both averaged over the batch; Adam lr 1e-3."""
    torch.manual_seed(0)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(128, 784)
    return training_step(model, opt, lambda loss, _: loss, x, None)


def small_cnn():
    """C1's network: Conv2d(1, 32, 3, padding 1) - ReLU - MaxPool2 - Conv2d(32, 64, 3, padding 1) - ReLU -
    MaxPool2 - Flatten - Linear(3136, 128) - ReLU - Linear(128, 10), with Adam lr 1e-3."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(3136, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


def cnn_step():
    """C1: one step of the small CNN on a fixed batch of 64 random 1 x 28 x 28 images."""
    model, opt = small_cnn()
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    return training_step(model, opt, torch.nn.functional.cross_entropy, x, y)


FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    """An IDX file of Debian's dataset-fashion-mnist as a numpy array (uint8)."""
    with gzip.open(f"{FASHION_MNIST}/{name}", "rb") as f:
        data = f.read()
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def cnn_epoch():
    """C1E: an epoch of C1's steps over Fashion-MNIST end to end, from reading the 60,000 training
    images out of their IDX files to the last update, in shuffled batches of 64 that a DataLoader
    builds (one "step" is the whole epoch), as bench/workloads.cpp does."""
    model, opt = small_cnn()
    state = {}

    def epoch():
        images = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz").copy()).unsqueeze(1)
        labels = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz").astype(np.int64))
        x = (images.float() / 255 - 0.2860) / 0.3530
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, labels), batch_size=64,
                                             shuffle=True, generator=torch.Generator().manual_seed(0))
        for xb, yb in loader:
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            state["loss"] = loss.item()

    return epoch, state


WORKLOADS = {
    "W1": lambda: seed_ffn(lambda p: torch.optim.SGD(p, lr=1e-4)),
    "W1A": lambda: seed_ffn(lambda p: torch.optim.Adam(p, lr=1e-3)),
    "W2": wide_mlp,
    "R1": lstm_last_step,
    "R2": lstm_two_layers,
    "R3": bigru,
    "R4": small_rnn,
    "G1": vae,
    "C1": cnn_step,
    "C1E": cnn_epoch,
}
# Workloads whose step is a whole epoch: no warm-up, one timed repeat of one step.
EPOCH_WORKLOADS = {"C1E"}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-w", "--workload", nargs="*", default=list(WORKLOADS))
    parser.add_argument("-t", "--threads", type=int, default=1)
    parser.add_argument("-n", "--iters", type=int, default=200)
    parser.add_argument("-r", "--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for wid in args.workload:
        step, state = WORKLOADS[wid]()
        epoch = wid in EPOCH_WORKLOADS
        iters = 1 if epoch else args.iters
        for _ in range(0 if epoch else args.warmup):
            step()
        times = []
        for _ in range(1 if epoch else args.repeats):
            t0 = time.perf_counter()
            for _ in range(iters):
                step()
            times.append((time.perf_counter() - t0) * 1e3 / iters)
        times.sort()
        print(json.dumps({"workload": wid, "threads": args.threads, "ms": times[len(times) // 2],
                          "loss": state["loss"]}), flush=True)


if __name__ == "__main__":
    main()
