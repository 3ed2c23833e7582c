#!/usr/bin/env bash
# run-libfuzzer.sh SRC BUILD_DIR SECONDS - coverage-guided fuzzing of the SQL parser in the
# regular test run: builds the libFuzzer target with clang (ASan + fuzzer instrumentation)
# in its own build directory and fuzzes for a bounded time from the seed corpus. A crash,
# leak or hang fails the test and leaves the input in BUILD_DIR/fuzz/artifacts/.
set -euo pipefail
src=$1 build=$2 seconds=${3:-60}
if ! command -v clang >/dev/null 2>&1; then
  echo "clang is not installed (scripts/install-deps installs it)" >&2
  exit 1
fi
CC=clang cmake -S "$src" -B "$build" -DWEIR_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWEIR_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" --target fuzz_sql_parser -j "$(nproc)" >/dev/null
cd "$build"
ctest -R '^fuzz\.sql_parser$' --output-on-failure
