#!/usr/bin/python3
"""Data-parallel scaling from 1 to 2 processes on this machine: runs bench/dist_scaling.cpp
under mpirun -np 1 and -np 2 (one thread per process) and prints a Markdown table of samples
per second for C1's CNN and R2's two-layer LSTM, with the all-reduce's share of a 2-process
step (1 - local / ddp time, see dist_scaling.cpp).

usage: bench/dist_scaling.py [--binary build/dist_scaling]
"""
import argparse
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def run(binary, processes):
    cmd = ["timeout", "300", "mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(processes), binary]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "build", "dist_scaling"))
    args = parser.parse_args()
    rows = {(r["workload"], r["mode"]): r for n in (1, 2) for r in run(args.binary, n)}
    print("| workload | 1 process (samples/s) | 2 processes, DDP (samples/s) | speed-up | "
          "2 processes, no communication (samples/s) | all-reduce share of a 2-process step |")
    print("|---|---:|---:|---:|---:|---:|")
    for workload in ("C1", "R2"):
        alone, ddp, local = (rows[(workload, m)] for m in ("alone", "ddp", "local"))
        speedup = ddp["samples_per_second"] / alone["samples_per_second"]
        share = 1 - local["ms_per_step"] / ddp["ms_per_step"]
        print(f"| {workload} | {alone['samples_per_second']:.0f} | {ddp['samples_per_second']:.0f} | "
              f"{speedup:.2f}x | {local['samples_per_second']:.0f} | {100 * share:.0f}% |")


if __name__ == "__main__":
    main()
