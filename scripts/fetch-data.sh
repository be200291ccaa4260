#!/usr/bin/env bash
# Extracts the real data sets the examples use from Debian packages into data/ (or $1),
# without installing the packages themselves (python3-sklearn and python3-statsmodels pull
# in all of SciPy): `apt-get download` fetches each .deb, and only the CSV files are kept.
#   data/boston_house_prices.csv  (python3-sklearn; the real-estate regression)
#   data/digits.csv.gz            (python3-sklearn; 8x8 digits)
#   data/sunspots.csv             (python3-statsmodels; yearly sunspot numbers)
# Files already there are kept, so a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-data}
mkdir -p "$dest"

declare -A files=(
  [python3-sklearn]="sklearn/datasets/data/boston_house_prices.csv sklearn/datasets/data/digits.csv.gz"
  [python3-statsmodels]="statsmodels/datasets/sunspots/sunspots.csv"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

for package in "${!files[@]}"; do
  wanted=()
  for f in ${files[$package]}; do [ -s "$dest/$(basename "$f")" ] || wanted+=("$f"); done
  [ ${#wanted[@]} -eq 0 ] && continue
  # apt-get download needs the package lists; a fresh machine may not have them yet.
  (cd "$work" && apt-get download "$package" >/dev/null 2>&1) ||
    { "${sudo[@]}" apt-get update >/dev/null && (cd "$work" && apt-get download "$package" >/dev/null); }
  dpkg-deb -x "$work"/"$package"_*.deb "$work/root"
  for f in "${wanted[@]}"; do
    # Copy, then rename: an interrupted run never leaves a truncated file behind.
    cp "$work/root/usr/lib/python3/dist-packages/$f" "$dest/.$(basename "$f").tmp"
    mv "$dest/.$(basename "$f").tmp" "$dest/$(basename "$f")"
    echo "fetch-data: $dest/$(basename "$f") (from $package)"
  done
done
