#!/usr/bin/env bash
# Installs every Debian 12 package hems needs to build, run and test.
# Idempotent: packages already present are not touched, and nothing is
# downloaded at build or run time after this step.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # the design card's stack
  libcaf-dev libzmq3-dev cppzmq-dev librocksdb-dev libpistache-dev libboost-test-dev
  # chosen libraries (see docs/ARCHITECTURE.md)
  libsimdjson-dev libsodium-dev libssl-dev libhowardhinnant-date-dev tzdata
  # TLS test certificates are made at test time
  openssl
  # test and benchmark tools: MILP oracle, a pyzmq peer, an HTTP load generator
  coinor-libcbc-dev python3 python3-zmq wrk procps
  # deploy/ lint (tests/e2e/deploy_lint.py reads the compose and Kubernetes YAML)
  python3-yaml
  # the MQTT adapter (docs/MQTT.md): the client library, and a broker plus
  # mosquitto_pub/sub for its end-to-end tests and benchmark
  libmosquitto-dev mosquitto mosquitto-clients
  # the web dashboard's browser tests (tests/browser): headless Chromium
  chromium
)
# The dashboard is built with node and npm (web/package-lock.json): Debian's
# (node 18, npm 9) unless a node 18 or newer is already installed.
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
if [ -z "$node_major" ] || [ "$node_major" -lt 18 ] || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "hems setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "hems setup: run as root (or install sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
