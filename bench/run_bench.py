#!/usr/bin/python3
"""Runs nabla and PyTorch on the same training steps, interleaved, and prints a table.

For every workload it runs, in each of --rounds rounds: nabla with 1 and with 2 threads,
PyTorch in each thread configuration (torch intra-op threads x OpenBLAS threads,
separately, since OpenBLAS ignores torch.set_num_threads), and LibTorch (C++) with one
thread when bench/libtorch_steps.cpp was built. It reports medians over rounds,
PyTorch's best configuration, and the ratio best-PyTorch / best-nabla (> 1: nabla faster).

usage: bench/run_bench.py [--nabla build/nabla_bench] [--markdown docs/benchmarks.md]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH_CONFIGS = [(1, 1), (1, 2), (2, 1), (2, 2)]  # (torch threads, OpenBLAS threads)


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nabla", default=os.path.join(HERE, "..", "build", "nabla_bench"))
    parser.add_argument("--libtorch", default=os.path.join(HERE, "..", "build", "libtorch_bench"),
                        help="LibTorch side (built with -DNABLA_BENCH_LIBTORCH=ON); skipped if missing")
    parser.add_argument("-w", "--workload", nargs="*", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-n", "--iters", type=int, default=0, help="steps per repeat (0: per-workload default)")
    parser.add_argument("--markdown", help="also write the table to this Markdown file")
    args = parser.parse_args()

    workloads = args.workload or [j["id"] for j in run_json([args.nabla, "--list"])]
    iters = {j["id"]: j["iters"] for j in run_json([args.nabla, "--list"])}
    results = {}  # (workload, side, config) -> [ms per round]
    for _ in range(args.rounds):
        for w in workloads:
            n = str(args.iters or iters[w])
            for t in (1, 2):
                for r in run_json([args.nabla, "-w", w, "-t", str(t), "-n", n]):
                    results.setdefault((w, "nabla", f"{t}T"), []).append(r["ms"])
            for tt, bt in TORCH_CONFIGS:
                env = dict(os.environ, OPENBLAS_NUM_THREADS=str(bt), OMP_NUM_THREADS=str(tt))
                for r in run_json(["/usr/bin/python3", os.path.join(HERE, "torch_workloads.py"), "-w", w,
                                   "-t", str(tt), "-n", n], env=env):
                    results.setdefault((w, "torch", f"torch {tt}T + BLAS {bt}T"), []).append(r["ms"])
            if os.path.exists(args.libtorch):
                env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
                for r in run_json([args.libtorch, "-w", w, "-t", "1", "-n", n], env=env):
                    results.setdefault((w, "torch", "LibTorch 1T"), []).append(r["ms"])

    rows = []
    for w in workloads:
        med = {k: statistics.median(v) for k, v in results.items() if k[0] == w}
        nabla = {k[2]: v for k, v in med.items() if k[1] == "nabla"}
        torch = {k[2]: v for k, v in med.items() if k[1] == "torch"}
        best_torch = min(torch, key=torch.get)
        best_nabla = min(nabla, key=nabla.get)
        rows.append((w, nabla["1T"], nabla["2T"], torch["torch 1T + BLAS 1T"], torch[best_torch], best_torch,
                     torch[best_torch] / nabla[best_nabla]))

    header = ("| workload | nabla 1T (ms) | nabla 2T (ms) | torch 1T (ms) | torch best (ms) | torch best config "
              "| speed-up vs best |\n|---|---:|---:|---:|---:|---|---:|")
    lines = [header] + [f"| {r[0]} | {r[1]:.4f} | {r[2]:.4f} | {r[3]:.4f} | {r[4]:.4f} | {r[5]} | {r[6]:.2f}x |"
                        for r in rows]
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown + ".tmp", "w") as f:
            f.write(f"Machine: {cpu_name()}, {os.cpu_count()} cores. Medians of {args.rounds} interleaved rounds.\n\n")
            f.write(table + "\n")
        os.replace(args.markdown + ".tmp", args.markdown)


if __name__ == "__main__":
    sys.exit(main())
