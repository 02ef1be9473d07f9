#!/usr/bin/env bash
# Fuzzes one target with AFL++ (its GCC mode, so the C++23 code builds
# as it does everywhere else) starting from its corpus, for a while:
#   deploy/fuzz.sh telemetry_frame_fuzz [seconds]
# New interesting inputs land in build/fuzz/out/<target>; copy the ones worth
# keeping (afl-cmin helps) into tests/fuzz/corpus/<target>, and the tests
# replay them from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: deploy/fuzz.sh TARGET [SECONDS]}
seconds=${2:-600}
./deploy/setup.sh
if ! command -v afl-g++ >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends afl++
fi
CC=afl-gcc CXX=afl-g++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHEMS_SANITIZE=ON >/dev/null
cmake --build build/fuzz --target "$target"
mkdir -p build/fuzz/out
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  timeout "$seconds" afl-fuzz -i "tests/fuzz/corpus/$target" -o "build/fuzz/out/$target" \
  -t 2000 -m none -- "build/fuzz/tests/fuzz/$target" @@ || true
echo "crashes: $(ls "build/fuzz/out/$target/default/crashes" 2>/dev/null | grep -vc README || true)"
