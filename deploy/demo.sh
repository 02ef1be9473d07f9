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
cat <<TXT

hems is running with $homes simulated homes. Look at:
  http://127.0.0.1:8080/devices?home=h-0001   the devices of one home, live
  http://127.0.0.1:8080/usage?home=h-0001     the home's power now and energy today
  http://127.0.0.1:8080/metrics               what hems received, stored and refused
Push your own samples to tcp://127.0.0.1:5555 (see docs/TELEMETRY.md). Ctrl-C stops.

TXT
wait $server
