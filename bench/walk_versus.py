#!/usr/bin/env python3
"""`sc task list --format json` of builds and walk settings side by side, run by run in turns,
with the read and stat floors in the same rounds (docs/performance.md, "Issue 19's budgets,
third pass"). hyperfine runs each command's samples back to back, so on a VM shared with other
work the medians of two commands come from different minutes; here every variant runs once per
round, the order rotated and reversed every other round. Each build has its own project per
telemetry mode (a tree of --tasks generated tasks, warm listing cache), and each run's wall time
and CPU time (user + system of every thread, from wait4) are kept: threads cut wall time only
where a CPU is free, and cost CPU everywhere.
Usage: bench/walk_versus.py GEN_TASK_TREE FLOOR_FOLDER [--runs N] [--tasks N]
           --variant LABEL=SC[:VAR=VALUE...]...
   e.g. bench/walk_versus.py build/dev/bench/gen_task_tree build/dev/bench --tasks 10000 \\
           --variant new=build/dev/bin/sc --variant serial=build/dev/bin/sc:SCOPECRAFT_WALK_THREADS=1 \\
           --variant main=/path/to/main/sc
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("generator")
    parser.add_argument("floors")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--variant", action="append", required=True)
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sc-walk-versus-", dir=os.environ.get("SC_BENCH_DIR", "/var/tmp"))
    null = os.open(os.devnull, os.O_WRONLY)
    runs = {}  # label -> (argv, environment, folder)
    trees = {}
    for spec in options.variant:
        label, rest = spec.split("=", 1)
        sc, *settings = rest.split(":")
        sc = os.path.abspath(sc)
        for mode in ("off", "on"):
            name = f"{label}-{mode}"
            home, project = f"{work}/home-{name}", f"{work}/project-{name}"
            os.makedirs(project)
            encoded = "-".join(re.sub(r"[^a-zA-Z0-9-]", "_", part) for part in project.split("/") if part).lower()
            tree = f"{home}/.scopecraft/projects/{encoded}/tasks"
            subprocess.run([options.generator, tree, str(options.tasks)], check=True, stdout=subprocess.DEVNULL)
            environment = dict(os.environ, HOME=home, SCOPECRAFT_TELEMETRY_DIR=f"{work}/telemetry-{name}")
            for setting in settings:
                key, value = setting.split("=", 1)
                environment[key] = value
            argv = [sc, "task", "list", "--format", "json"]
            if mode == "off":
                environment["OTEL_SDK_DISABLED"] = "true"
            else:
                argv.append("--quiet")
            runs[f"{label}, {mode}"] = (argv, environment, project)
            trees.setdefault("tree", tree)
    for floor in ("floor_read_files", "floor_stat_files"):
        runs[floor] = ([os.path.join(os.path.abspath(options.floors), floor), trees["tree"]], dict(os.environ), work)

    def run(label):
        argv, environment, folder = runs[label]
        started = time.perf_counter()
        os.chdir(folder)  # the project: sc finds its tree from the working folder
        pid = os.posix_spawn(argv[0], argv, environment, file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
        _, status, usage = os.wait4(pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"walk_versus.py: {' '.join(argv)} failed")
        return elapsed, (usage.ru_utime + usage.ru_stime) * 1000

    labels = list(runs)
    for label in labels:  # the first listing of each project builds its cache and state
        for _ in range(3):
            run(label)
    wall = {label: [] for label in labels}
    cpu = {label: [] for label in labels}
    for i in range(options.runs):
        order = labels[i % len(labels):] + labels[:i % len(labels)]
        for label in (order if i % 2 == 0 else order[::-1]):
            w, c = run(label)
            wall[label].append(w)
            cpu[label].append(c)
    floor = statistics.median(wall["floor_read_files"])
    floor_cpu = statistics.median(cpu["floor_read_files"])
    print(f"{options.tasks} tasks, {options.runs} rounds; median wall (CPU) ms, and / the read floor")
    for label in labels:
        w, c = statistics.median(wall[label]), statistics.median(cpu[label])
        print(f"  {label:<24} {w:8.2f} ({c:6.2f})   {w / floor:5.2f}x  (CPU {c / floor_cpu:4.2f}x)")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
