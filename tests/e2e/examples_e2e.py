#!/usr/bin/env python3
"""Runs the telemetry examples of docs/TELEMETRY.md (C++ and pyzmq) against
the real server and checks that their samples arrive."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

hems, cpp_example, py_example = sys.argv[1:4]
with tempfile.TemporaryDirectory() as tmp:
    ports = os.path.join(tmp, "ports.json")
    server = subprocess.Popen([hems, "serve", "--data", os.path.join(tmp, "data"),
                               "--telemetry", "tcp://127.0.0.1:*", "--hub", "tcp://127.0.0.1:*",
                               "--feed", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0",
                               "--ports-file", ports], stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not os.path.exists(ports):
            assert time.time() < deadline and server.poll() is None, "hems did not start"
            time.sleep(0.01)
        with open(ports) as f:
            p = json.load(f)
        # The server wrote its first admin token before it started listening.
        with open(os.path.join(tmp, "data", "admin.token")) as f:
            auth = {"Authorization": "Bearer " + f.read().strip()}

        def get(url):
            return urllib.request.urlopen(urllib.request.Request(url, headers=auth))
        subprocess.run([cpp_example, p["telemetry"]], check=True)
        subprocess.run([sys.executable, py_example, p["telemetry"]], check=True)

        def devices(home):
            url = "http://127.0.0.1:%d/devices?home=%s" % (p["http"], home)
            deadline = time.time() + 20
            while True:
                try:
                    return {d["id"]: d for d in json.load(get(url))["devices"]}
                except urllib.error.HTTPError as e:
                    assert e.code == 404 and time.time() < deadline, "no devices for " + home
                    time.sleep(0.01)

        cpp = devices("h-cpp")
        assert cpp["heat-pump"]["power_w"] == 1450.0 and cpp["heat-pump"]["temperature_c"] == 20.5
        assert cpp["living-room"]["occupied"] is True
        py = devices("h-py")
        assert py["ev-charger"]["soc_pct"] == 41 and py["pv-roof"]["power_w"] == -2300.0
        print("both examples delivered their samples")
    finally:
        server.terminate()
        server.wait(timeout=30)
