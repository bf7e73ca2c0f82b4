#!/usr/bin/env python3
"""Telemetry on vs off for one `sc` command, alternating run by run (docs/performance.md).

hyperfine runs one command's samples back to back, so on a VM whose speed drifts by a third
within minutes the two medians come from different machines. This runs on and off in turns
(ABBA order), each in its own scratch project (telemetry on would otherwise record the other
variant's new tasks as edits made outside sc), and prints both medians and the difference.

With --versus OTHER_SC (repeatable) the other builds run in the same rounds, each in its own
projects, so that two builds' on-off differences are compared on the same minutes of the VM.

Usage: bench/on_off.py SC GEN_TASK_TREE [--runs N] [--tasks N] [--versus SC]... -- ARGS...
   e.g. bench/on_off.py build/rel/bin/sc build/rel/bench/gen_task_tree -- task create --title x
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sc")
    parser.add_argument("generator")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--versus", action="append", default=[])
    parser.add_argument("args", nargs="+")
    options = parser.parse_args()
    binaries = [os.path.abspath(path) for path in [options.sc] + options.versus]
    work = tempfile.mkdtemp(prefix="sc-on-off-", dir=os.environ.get("SC_BENCH_DIR", "/var/tmp"))
    variants = [(binary, switch) for binary in range(len(binaries)) for switch in ("on", "off")]
    environments, projects = {}, {}
    for variant in variants:
        name = f"{variant[0]}-{variant[1]}"
        home, project = f"{work}/home-{name}", f"{work}/project-{name}"
        os.makedirs(project)
        # The project's folder name under ~/.scopecraft/projects, as Scopecraft encodes it.
        encoded = "-".join(re.sub(r"[^a-zA-Z0-9-]", "_", part) for part in project.split("/") if part).lower()
        subprocess.run([options.generator, f"{home}/.scopecraft/projects/{encoded}/tasks", str(options.tasks)],
                       check=True, stdout=subprocess.DEVNULL)
        environment = dict(os.environ, HOME=home, SCOPECRAFT_TELEMETRY_DIR=f"{work}/telemetry-{name}")
        if variant[1] == "off":
            environment["OTEL_SDK_DISABLED"] = "true"
        environments[variant], projects[variant] = environment, project
    null = os.open(os.devnull, os.O_WRONLY)
    # stderr goes to a file, rewound before each run: a failing command stops the measurement
    # with what it said, instead of being timed as if it had worked.
    errors = os.open(f"{work}/stderr", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)

    def run(variant):
        os.chdir(projects[variant])
        sc = binaries[variant[0]]
        os.ftruncate(errors, 0)
        os.lseek(errors, 0, os.SEEK_SET)
        started = time.perf_counter()
        pid = os.posix_spawn(sc, [sc] + options.args, environments[variant],
                             file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, errors, 2)])
        _, status = os.waitpid(pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            os.lseek(errors, 0, os.SEEK_SET)
            said = os.read(errors, 4096).decode(errors="replace")
            sys.exit(f"on_off.py: {sc} {' '.join(options.args)} (telemetry {variant[1]}) exited with {code}:\n{said}"
                     f"(its project: {projects[variant]})")
        return elapsed

    for _ in range(3):  # warm-up
        for variant in variants:
            run(variant)
    times = {variant: [] for variant in variants}
    for i in range(options.runs):
        # Each round runs every variant once, the order rotated and reversed every other round.
        order = variants[i % len(variants):] + variants[:i % len(variants)]
        for variant in (order if i % 2 == 0 else order[::-1]):
            times[variant].append(run(variant))
    for index, binary in enumerate(binaries):
        on, off = statistics.median(times[(index, "on")]), statistics.median(times[(index, "off")])
        label = "" if len(binaries) == 1 else f" [{binary}]"
        print(f"sc {' '.join(options.args)}{label}: telemetry on {on:.2f} ms, off {off:.2f} ms, "
              f"difference {on - off:+.2f} ms (medians of {options.runs}, alternating)")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
