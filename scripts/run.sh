#!/usr/bin/env bash
# The main job: installs what is needed, extracts the real data sets, builds nabla (Release)
# and runs every seed example with `nabla run all`; results (and, later, figures) go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fetch-data.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target nabla_cli
mkdir -p out
build/bin/nabla run all --out out | tee out/run.log
