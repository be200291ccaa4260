#!/usr/bin/env bash
# Builds nabla and runs the whole test suite twice: the optimised Release build in build/,
# then an AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/. Stops at the
# first failure with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runs a GoogleTest binary as two shards in parallel, one process each: a process per test
# (ctest's way) spends more time starting up than testing — 0.5 s per process under the
# sanitizers, for about 900 tests. Prints only failures and the counts; fails if a shard does.
run_tests() {
  local binary=$1 status=0 logs=()
  for shard in 0 1; do
    logs+=("$(mktemp)")
    GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$shard "$binary" --gtest_brief=1 >"${logs[$shard]}" 2>&1 &
  done
  for shard in 0 1; do
    wait -n || status=1
  done
  for log in "${logs[@]}"; do
    cat "$log"
    rm -f "$log"
  done
  return $status
}

# The nabla::dist tests, when CMake found MPI: the collectives and DistributedDataParallel in a
# two-process job (timeout: a process left waiting for a failed one must not stall the
# script), then, alone, the failure tests, which start their own jobs.
run_dist_tests() {
  local binary=$1
  [ -x "$binary" ] || return 0
  timeout 600 mpirun --allow-run-as-root --oversubscribe -np 2 "$binary" --gtest_brief=1
  "$binary" --gtest_brief=1
}

scripts/setup.sh
scripts/fetch-data.sh  # the real data sets some example tests use

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
run_tests build/nabla_tests
run_dist_tests build/nabla_dist_tests

# The library at -O1, as the sanitizer documentation advises: far faster than -O0, and reports
# still point at the right lines (the test code itself gets -O0, see CMakeLists.txt). A Debug
# build type so that no -DNDEBUG hides assertions. Benchmarks are not tests, so they are left out.
cmake -S . -B build-asan -G Ninja -DNABLA_SANITIZE=ON -DNABLA_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
cmake --build build-asan -j"$(nproc)" --target nabla_tests  # with the command, which tests/apps run
UBSAN_OPTIONS=print_stacktrace=1 run_tests build-asan/nabla_tests
if [ -x build/nabla_dist_tests ]; then
  cmake --build build-asan -j"$(nproc)" --target nabla_dist_tests
  # OpenMPI keeps memory until exit by design, which LeakSanitizer would report.
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 run_dist_tests build-asan/nabla_dist_tests
fi
