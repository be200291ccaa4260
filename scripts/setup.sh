#!/usr/bin/env bash
# Installs the Debian 12 packages nabla's build and tests need, plus any packages given as
# arguments. Packages already installed are skipped, so a second run takes no time and
# never touches the network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git
  libopenblas-dev libdnnl-dev                             # float64 GEMM, float32 GEMM
  libgtest-dev libgmock-dev libbenchmark-dev              # tests and benchmarks
  nlohmann-json3-dev libcli11-dev gnuplot-nox             # file formats, command lines, plots
  libpng-dev zlib1g-dev                                   # image grids, gzip-compressed IDX files
  dataset-fashion-mnist                                   # the image classification data set
  libopenmpi-dev openmpi-bin                              # nabla::dist (optional: built when found)
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
