#!/usr/bin/env bash
# The main job: installs what is needed, extracts the real data sets, builds nabla (Release),
# runs every seed example with `nabla run all` (results, configuration and figures in
# out/<example>/) and gathers them into out/report.html with `nabla report`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fetch-data.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target nabla_cli
# The report is written even when an example failed; the script then still exits non-zero.
status=0
build/bin/nabla run all --out out || status=$?
build/bin/nabla report out
echo "Open $(pwd)/out/report.html in a browser to see every example's checks and figures."
exit "$status"
