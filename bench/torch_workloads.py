#!/usr/bin/python3
"""PyTorch side of the benchmark harness: the same training steps as bench/workloads.cpp.

Prints one JSON line per workload with the median milliseconds per step. Thread
configuration: --threads sets torch's intra-op threads; OpenBLAS threads come from the
OPENBLAS_NUM_THREADS environment variable, which must be set before torch is imported
(bench/run_bench.py starts one process per configuration).
"""
import argparse
import json
import time

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


WORKLOADS = {
    "W1": lambda: seed_ffn(lambda p: torch.optim.SGD(p, lr=1e-4)),
    "W1A": lambda: seed_ffn(lambda p: torch.optim.Adam(p, lr=1e-3)),
    "W2": wide_mlp,
}


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
        for _ in range(args.warmup):
            step()
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for _ in range(args.iters):
                step()
            times.append((time.perf_counter() - t0) * 1e3 / args.iters)
        times.sort()
        print(json.dumps({"workload": wid, "threads": args.threads, "ms": times[len(times) // 2],
                          "loss": state["loss"]}), flush=True)


if __name__ == "__main__":
    main()
