#!/usr/bin/env bash
# The main job: builds nabla (Release) and runs the demo, examples/seed_network.cpp, whose
# output is also written to out/seed_network.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target seed_network
mkdir -p out
build/seed_network | tee out/seed_network.txt
