# On control: run the learner's playbook in check mode (--check --diff:
# it changes nothing) with the default output and -v (each task's result
# on one line) and read it. Every host in the PLAY RECAP must show
# changed=0, failed=0, unreachable=0; web-1..web-3 must all be in it, and
# on each the task results must show the playbook manages the deploy
# user, the page and nginx (a playbook that only pings converges too).
# A command or shell task that would run again on a configured server
# (check mode skips it: "Command would have run") counts as a change:
# it runs, and usually changes something, on every real run.
exec python3 - <<'PY'
import os, re, subprocess, sys

# dojo runs checks with LC_ALL=C; ansible-core refuses a non-UTF-8 locale.
env = dict(os.environ, LC_ALL="C.UTF-8", ANSIBLE_STDOUT_CALLBACK="default", ANSIBLE_CALLBACK_RESULT_FORMAT="json",
           ANSIBLE_DISPLAY_OK_HOSTS="1", ANSIBLE_DISPLAY_SKIPPED_HOSTS="1", ANSIBLE_NOCOLOR="1",
           ANSIBLE_FORCE_COLOR="0", ANSIBLE_CHECK_MODE_MARKERS="0", ANSIBLE_RETRY_FILES_ENABLED="0")
try:
    p = subprocess.run(["ansible-playbook", "-v", "-i", "inventory", "site.yml", "--check", "--diff"],
                       cwd="/root/site", env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=150)
except (OSError, subprocess.TimeoutExpired) as e:
    print("ansible-playbook --check did not finish:", e)
    sys.exit(1)

recap = {}     # host -> counters
text = {}      # host -> its task results
changes = {}   # host -> tasks that would change or fail
commands = {}  # host -> command/shell tasks that would run again
task = "?"
in_recap = False
for line in p.stdout.splitlines():
    m = re.match(r"(?:TASK|RUNNING HANDLER) \[(.*)\] \*+$", line)
    if m:
        task = m.group(1)
        continue
    if line.startswith("PLAY RECAP"):
        in_recap = True
        continue
    if in_recap:
        m = re.match(r"(\S+)\s+:\s+(.*)$", line)
        if m:
            recap[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
        continue
    m = re.match(r"(ok|changed|skipping|failed|fatal): \[([^\]]+)\]", line)
    if m:
        host = m.group(2).split(" -> ")[0]
        text[host] = text.get(host, "") + line + "\n"
        if m.group(1) in ("changed", "failed", "fatal"):
            changes.setdefault(host, []).append("%s (%s)" % (task, m.group(1)))
        elif "Command would have run" in line:
            changes.setdefault(host, []).append("%s (command would run)" % task)
            commands[host] = commands.get(host, 0) + 1

if not recap:
    out = (p.stderr.strip() + "\n" + p.stdout.strip()).strip()
    print("ansible-playbook --check --diff gave no PLAY RECAP (exit %d): %s" % (p.returncode, out[-600:]))
    sys.exit(1)
ok = True
for host in sorted(recap):
    s = recap[host]
    line = "%s: ok=%d changed=%d failed=%d unreachable=%d" % (
        host, s.get("ok", 0), s.get("changed", 0), s.get("failed", 0), s.get("unreachable", 0))
    if commands.get(host):
        line += " commands-that-would-run=%d" % commands[host]
    if s.get("changed", 0) or s.get("failed", 0) or s.get("unreachable", 0) or commands.get(host):
        ok = False
        if changes.get(host):
            line += "; tasks: " + ", ".join(dict.fromkeys(changes[host]))
    print(line)
for host in ("web-1", "web-2", "web-3"):
    if host not in recap:
        print("%s: not in the PLAY RECAP" % host)
        ok = False
        continue
    missing = [what for what, needle in (("the deploy user", '"deploy"'),
                                         ("the page", "/srv/www/site/index.html"),
                                         ("nginx", "nginx"))
               if needle not in text.get(host, "")]
    if missing:
        print("%s: the playbook does not manage %s" % (host, ", ".join(missing)))
        ok = False
sys.exit(0 if ok else 1)
PY
