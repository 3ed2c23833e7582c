#!/usr/bin/env bash
# run-libfuzzer.sh SRC BUILD_DIR TARGET [-DNAME=VALUE...] - coverage-guided fuzzing in the
# regular test run: builds the libFuzzer target TARGET (fuzz_sql_parser, fuzz_sql_plan) with
# clang (ASan + fuzzer instrumentation) in its own build directory, with the given CMake
# settings (the run's time limit), and runs its CTest test, which fuzzes a fixed number of
# inputs from the seed corpus within a bounded time. A crash, leak or hang fails the test
# and leaves the input in BUILD_DIR/fuzz/artifacts/.
set -euo pipefail
src=$1 build=$2 target=$3
shift 3
if ! command -v clang >/dev/null 2>&1; then
  echo "clang is not installed (scripts/install-deps installs it)" >&2
  exit 1
fi
CC=clang cmake -S "$src" -B "$build" -DWEIR_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" \
  >/dev/null
cmake --build "$build" --target "$target" -j "$(nproc)" >/dev/null
cd "$build"
ctest -R "^fuzz\\.${target#fuzz_}\$" --output-on-failure
