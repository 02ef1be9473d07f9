#!/usr/bin/env python3
"""Pushing telemetry to hems from Python with pyzmq (docs/TELEMETRY.md).

    python3 push_samples.py tcp://127.0.0.1:5555
"""
import json
import sys
import time

import zmq

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:5555"
context = zmq.Context()
push = context.socket(zmq.PUSH)
push.setsockopt(zmq.LINGER, 30000)  # up to 30 s to deliver what is queued before exiting
push.connect(endpoint)

now = int(time.time() * 1000)
samples = [
    {"home": "h-py", "device": "ev-charger", "ts": now, "power_w": 7400.0,
     "energy_wh": 53120.0, "state": "on", "seq": 1, "kind": "ev_charger", "soc_pct": 41},
    {"home": "h-py", "device": "pv-roof", "ts": now, "power_w": -2300.0, "kind": "pv"},
]
push.send_string(json.dumps(samples))  # one frame: an array (or a single object)
push.close()
context.term()  # returns once queued messages are delivered (or the linger ran out)
print("sent %d samples to %s" % (len(samples), endpoint))
