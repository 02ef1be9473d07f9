#!/usr/bin/env python3
"""deploy/ read for consistency (docker and kubectl are not available to the
tests): every YAML and JSON file parses, the compose file runs one service per
member of its cluster file with that member's id, volume and ports, and the
Kubernetes StatefulSet's pods are exactly the members of the config map's
cluster file, behind a headless service of the same name.

usage: deploy_lint.py DEPLOY_DIR"""
import json
import pathlib
import sys

import yaml

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def arg_after(args, flag):
    return args[args.index(flag) + 1] if flag in args else None


deploy = pathlib.Path(sys.argv[1])

# Compose: three nodes, each naming itself as a member of the cluster file.
compose = yaml.safe_load((deploy / "compose.yaml").read_text())
members = json.loads((deploy / "cluster.compose.json").read_text())["members"]
ids = [m["id"] for m in members]
check(sorted(compose["services"]) == sorted(ids), f"compose services {sorted(compose['services'])} != members {ids}")
for name, service in compose["services"].items():
    args = service["command"]
    check(args[0] == "serve", f"{name}: command must start with serve")
    check(arg_after(args, "--node-id") == name, f"{name}: --node-id must be the service name")
    check(arg_after(args, "--cluster") == "/etc/hems/cluster.json", f"{name}: --cluster path")
    check("--cluster-private-network" in args, f"{name}: needs --cluster-private-network")
    check(arg_after(args, "--curve-key") is not None, f"{name}: ZeroMQ beyond loopback needs CURVE")
    check(any(v.endswith(":/var/lib/hems") and v.startswith(f"{name}-data")
              for v in service["volumes"]), f"{name}: needs its own data volume")
    check(f"{name}-data" in compose["volumes"], f"{name}: volume not declared")
    member = next(m for m in members if m["id"] == name)
    check(member["node"] == f"{name}:4301", f"{name}: the member's node must be the service's host name")
    hub_port = member["hub"].rsplit(":", 1)[1]
    check(f"{hub_port}:5557" in service["ports"], f"{name}: hub port {hub_port} not published")

# Kubernetes: a StatefulSet with a volume per pod whose pods are the members.
docs = {}
for f in sorted((deploy / "k8s").glob("*.yaml")):
    for d in yaml.safe_load_all(f.read_text()):
        docs.setdefault(d["kind"], []).append(d)
sts = docs["StatefulSet"][0]
cm = docs["ConfigMap"][0]
k8s_members = json.loads(cm["data"]["cluster.json"])["members"]
pods = [f"{sts['metadata']['name']}-{i}" for i in range(sts["spec"]["replicas"])]
check([m["id"] for m in k8s_members] == pods, f"config map members must be the pods {pods}")
headless = [s for s in docs["Service"] if s["spec"].get("clusterIP") == "None"]
check(len(headless) == 1 and headless[0]["metadata"]["name"] == sts["spec"]["serviceName"],
      "the StatefulSet's serviceName must be a headless service")
for m in k8s_members:
    check(m["node"] == f"{m['id']}.{sts['spec']['serviceName']}:4301", f"{m['id']}: node must be its pod DNS name")
check(sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data", "a volume per pod")
container = sts["spec"]["template"]["spec"]["containers"][0]
args = container["args"]
check(arg_after(args, "--node-id") == "$(POD_NAME)", "--node-id must be the pod name")
check(any(e["name"] == "POD_NAME" for e in container["env"]), "POD_NAME env missing")
check(any(v["name"] == "data" and v["mountPath"] == "/var/lib/hems" for v in container["volumeMounts"]),
      "data volume not mounted at /var/lib/hems")
check(arg_after(args, "--cluster") == "/etc/hems/cluster/cluster.json", "--cluster path")
check(sts["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True, "run as non-root")
hub_selectors = sorted(s["spec"]["selector"].get("statefulset.kubernetes.io/pod-name", "")
                       for s in docs["Service"])
for pod in pods:
    check(pod in hub_selectors, f"{pod}: no per-pod hub service")

# The Dockerfile runs as the uid the StatefulSet expects.
dockerfile = (deploy / "Dockerfile").read_text()
check("USER hems" in dockerfile, "Dockerfile must run as hems")
check(f"--uid {sts['spec']['template']['spec']['securityContext']['runAsUser']}" in dockerfile,
      "Dockerfile's hems uid must be the StatefulSet's runAsUser")
check("deploy/setup.sh" in dockerfile and "FROM debian:12" in dockerfile, "Debian 12 via setup.sh")

for f in failures:
    print("deploy lint:", f)
sys.exit(1 if failures else 0)
