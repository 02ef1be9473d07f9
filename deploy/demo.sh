#!/usr/bin/env bash
# The run command: installs what is missing, builds hems (release), and starts
# the server with a simulated neighbourhood pushing live telemetry into it.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/setup.sh
./deploy/build.sh release
hems=build/release/app/hems
data=${HEMS_DATA:-./data}
homes=${HEMS_DEMO_HOMES:-20}

ports="$data.ports"
rm -f "$ports"
simulator=""
"$hems" serve --data "$data" --ports-file "$ports" &
server=$!
trap 'kill $server $simulator 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
until [ -s "$ports" ]; do # the server writes its ports once it is listening
  kill -0 $server 2>/dev/null || exit 1
  sleep 0.1
done
"$hems" simulate --homes "$homes" --devices-per-home 10 --rate 1 --meter &
simulator=$!
token="$data/admin.token"
cat <<TXT

hems is running with $homes simulated homes. The dashboard is at
http://127.0.0.1:8080/ (sign in with the token below and home h-0001). Every request needs the admin
token hems wrote to $token (mode 0600; make residents' tokens with POST /tokens):
  curl -H "Authorization: Bearer \$(cat $token)" 'http://127.0.0.1:8080/devices?home=h-0001'
  curl -H "Authorization: Bearer \$(cat $token)" 'http://127.0.0.1:8080/usage?home=h-0001'
  curl -H "Authorization: Bearer \$(cat $token)" 'http://127.0.0.1:8080/usage?home=h-0001&resolution=15m&from=2026-01-01T00:00:00Z&to=2100-01-01T00:00:00Z'
  curl -H "Authorization: Bearer \$(cat $token)" http://127.0.0.1:8080/metrics
  http://127.0.0.1:8080/openapi.json   the whole API (no token needed)
Push your own samples to tcp://127.0.0.1:5555, hubs to :5557, the feed is :5556
(see docs/TELEMETRY.md). Ctrl-C stops.

TXT
wait $server
