#!/usr/bin/env python3
"""`sc task create` at 10,000 tasks against 20, one build, interleaved (docs/performance.md).

Issue 19's budget is a ratio: create at 10,000 tasks within 1.5x of create at 20. cli_bench.sh
times the two in separate hyperfine series, minutes apart; on a shared VM whose speed drifts
that ratio moves more than the budget's margin. This runs both in every round, in alternating
order, in a generated project each, and prints the median wall time, the mean CPU time (user +
system, from wait4) and their ratios.

Usage: bench/create_ratio.py GEN_TASK_TREE SC ROUNDS [VAR=VALUE]...
   e.g. bench/create_ratio.py build/dev/bench/gen_task_tree build/dev/bin/sc 21 OTEL_SDK_DISABLED=true
"""
import os, statistics, subprocess, sys, tempfile, time
gen, sc, rounds = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), int(sys.argv[3])
extra = sys.argv[4:]  # e.g. OTEL_SDK_DISABLED=true
work = tempfile.mkdtemp(prefix="sc-abba-", dir="/var/tmp")
def encode(path):
    parts = [p for p in path.split("/") if p]
    return "-".join("".join(c if c.isalnum() and c.isascii() or c == "-" else "_" for c in p) for p in parts).lower()
projects = {}
for count in (20, 10000):
    project = f"{work}/project-{count}"; home = f"{work}/home-{count}"
    os.makedirs(project)
    subprocess.run([gen, f"{home}/.scopecraft/projects/{encode(project)}/tasks", str(count)], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, HOME=home, SCOPECRAFT_TELEMETRY_DIR=f"{work}/telemetry-{count}")
    for kv in extra:
        k, v = kv.split("=", 1); env[k] = v
    projects[count] = (project, env)
def run(count):
    project, env = projects[count]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(project)
        fd = os.open("/dev/null", os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
        try:
            os.execve(sc, [sc, "task", "create", "--title", "Bench", "--quiet"], env)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    assert status == 0, status
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000
for count in (20, 10000):
    for _ in range(5): run(count)
walls = {20: [], 10000: []}; cpus = {20: [], 10000: []}
for i in range(rounds):
    order = (20, 10000) if i % 2 == 0 else (10000, 20)
    for count in order:
        w, c = run(count); walls[count].append(w); cpus[count].append(c)
for count in (20, 10000):
    print(f"{count:>6} tasks: wall median {statistics.median(walls[count]):.2f} ms, cpu mean {statistics.mean(cpus[count]):.2f} ms")
print(f"ratio 10000/20: wall {statistics.median(walls[10000]) / statistics.median(walls[20]):.2f}x, cpu {statistics.mean(cpus[10000]) / statistics.mean(cpus[20]):.2f}x")
subprocess.run(["rm", "-rf", work])
