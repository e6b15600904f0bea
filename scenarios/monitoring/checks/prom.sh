# Asks the Prometheus on this node (its HTTP API on 127.0.0.1:9090) and
# judges the answer; MODE (set before this text) says what to look at:
#   targets  job "node" scrapes exactly web-1 and web-2, both up, every 15s
#   rule     alerting rule InstanceDown loaded: for <= 1m, severity critical,
#            healthy, and its rule file passes promtool check rules
#   quiet    no InstanceDown alert (pending or firing) while all is up
#   down     an InstanceDown alert (pending or firing) for web-1, none for web-2
# Prints what it saw on one line; exit 0 means as required.
MODE="$MODE" python3 - <<'PY'
import json, os, subprocess, sys, urllib.request

mode = os.environ["MODE"]
hosts = {"web-1": ("web-1", "10.90.0.11"), "web-2": ("web-2", "10.90.0.12")}

def api(path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:9090/api/v1/" + path, timeout=5) as r:
            return json.load(r)["data"]
    except Exception as e:
        print("Prometheus API on 127.0.0.1:9090 not answering: %s" % e)
        sys.exit(1)

def which(instance):
    h = (instance or "").rsplit(":", 1)[0]
    for name, alias in hosts.items():
        if h in alias:
            return name
    return h or "(no instance label)"

def alerts():
    return [a for a in api("alerts")["alerts"]
            if a["labels"].get("alertname") == "InstanceDown" and a.get("state") in ("pending", "firing")]

if mode == "targets":
    ts = [t for t in api("targets?state=active")["activeTargets"] if t["labels"].get("job") == "node"]
    seen = {}
    for t in ts:
        seen.setdefault(which(t["labels"].get("instance")), []).append(t)
    print("; ".join("%s %s every %s" % (n, t["health"], t.get("scrapeInterval", "?"))
                    for n, l in sorted(seen.items()) for t in l) or 'no targets in job "node"')
    ok = sorted(seen) == ["web-1", "web-2"] and all(
        len(l) == 1 and l[0]["health"] == "up" and l[0].get("scrapeInterval") == "15s" for l in seen.values())
    sys.exit(0 if ok else 1)

if mode == "rule":
    found = [(g, r) for g in api("rules")["groups"] for r in g["rules"] if r.get("name") == "InstanceDown"]
    if not found:
        print("no rule named InstanceDown is loaded")
        sys.exit(1)
    g, r = found[0]
    print("%s rule in %s: %s for %ss severity=%s health=%s" % (
        r["type"], g["file"], r.get("query"), r.get("duration"), r.get("labels", {}).get("severity"), r.get("health")))
    ok = (len(found) == 1 and r["type"] == "alerting" and 0 < r.get("duration", 0) <= 60
          and r.get("labels", {}).get("severity") == "critical" and r.get("health") != "err")
    p = subprocess.run(["promtool", "check", "rules", g["file"]], capture_output=True, text=True)
    if p.returncode != 0:
        print("promtool check rules %s: %s" % (g["file"], (p.stdout + p.stderr).strip().splitlines()[-1:]))
        ok = False
    sys.exit(0 if ok else 1)

if mode == "quiet":
    a = alerts()
    print("; ".join("InstanceDown %s for %s" % (x["state"], which(x["labels"].get("instance"))) for x in a)
          or "no InstanceDown alert")
    sys.exit(1 if a else 0)

if mode == "down":
    a = alerts()
    names = [which(x["labels"].get("instance")) for x in a]
    print("; ".join("InstanceDown %s for %s" % (x["state"], n) for x, n in zip(a, names))
          or "no InstanceDown alert")
    sys.exit(0 if "web-1" in names and "web-2" not in names else 1)

print("unknown MODE " + mode)
sys.exit(2)
PY
