#!/usr/bin/env bash
# Builds nabla and runs the whole test suite twice: the optimised Release build in build/,
# then an AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/. Stops at the
# first failure with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fetch-data.sh  # the real data sets some example tests use

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j2

# -O1, as the sanitizer documentation advises: far faster than -O0, and reports still point
# at the right lines. A Debug build type so that no -DNDEBUG hides assertions. Benchmarks are
# not tests, so they are left out.
cmake -S . -B build-asan -G Ninja -DNABLA_SANITIZE=ON -DNABLA_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
cmake --build build-asan -j"$(nproc)" --target nabla_tests  # the command and benchmarks are not tests
UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2
