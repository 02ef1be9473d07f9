#!/usr/bin/env python3
"""A third-party integrator's view: push one sample with plain pyzmq, read it
back over plain HTTP, and report how long it took to become visible."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import zmq

hems = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    ports = os.path.join(tmp, "ports.json")
    server = subprocess.Popen([hems, "serve", "--data", os.path.join(tmp, "data"),
                               "--telemetry", "tcp://127.0.0.1:*", "--hub", "tcp://127.0.0.1:*",
                               "--feed", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0",
                               "--ports-file", ports], stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not os.path.exists(ports):
            assert time.time() < deadline, "hems did not start"
            assert server.poll() is None, "hems exited"
            time.sleep(0.01)
        with open(ports) as f:
            p = json.load(f)
        # The server wrote its first admin token before it started listening.
        with open(os.path.join(tmp, "data", "admin.token")) as f:
            auth = {"Authorization": "Bearer " + f.read().strip()}

        def get(url):
            return urllib.request.urlopen(urllib.request.Request(url, headers=auth))
        push = zmq.Context().socket(zmq.PUSH)
        push.connect(p["telemetry"])
        ts = int(time.time() * 1000)
        sample = {"home": "h-py", "device": "kettle", "ts": ts, "power_w": 2200.0,
                  "state": "on", "kind": "appliance", "vendor_field": {"ignored": True}}
        sent = time.monotonic()
        push.send_string(json.dumps(sample))
        url = "http://127.0.0.1:%d/devices?home=h-py" % p["http"]
        while True:
            try:
                body = json.load(get(url))
                break
            except urllib.error.HTTPError as e:
                assert e.code == 404, e.code
                assert time.monotonic() - sent < 20, "sample never became visible"
                time.sleep(0.002)
        visible_ms = (time.monotonic() - sent) * 1000
        device = body["devices"][0]
        assert device["id"] == "kettle" and device["power_w"] == 2200.0, body
        assert device["online"] is True and device["kind"] == "appliance", body
        usage = json.load(get("http://127.0.0.1:%d/usage?home=h-py" % p["http"]))
        assert usage["power_w"] == 2200.0, usage
        print("pyzmq sample visible over REST after %.1f ms" % visible_ms)
    finally:
        server.terminate()
        server.wait(timeout=30)
