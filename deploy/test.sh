#!/usr/bin/env bash
# The test command: installs what is missing, builds with sanitizers, and runs
# every test (unit, end-to-end against the real binary, fuzz corpus replay,
# benchmark smoke runs).
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/setup.sh
./deploy/build.sh test
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build/test --output-on-failure -j "$(nproc)" "$@"
