#!/usr/bin/env bash
# Configures and builds one flavour of hems:
#   release  optimized (-O2: GCC 12 -O3 raises false -Wmaybe-uninitialized), -> build/release
#   test     AddressSanitizer + UBSan, for the tests  -> build/test
# and the web dashboard (deploy/build_web.sh -> web/dist).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
case "$flavour" in
  release) dir=build/release; args=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG") ;;
  test) dir=build/test; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEMS_SANITIZE=ON) ;;
  *) echo "usage: deploy/build.sh [release|test]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
./deploy/build_web.sh
