#!/usr/bin/env python3
"""Regenerates cmake/sc-function-order.txt, the order in which the linker lays out sc's
functions (cmake/LinkOrder.cmake).

A command touches a few hundred KB of code spread over the binary's 4.5 MB of text, and on the
VMs we measure on each 64 KiB of text a command touches is a page fault of 15-20 µs
(docs/performance.md). This profiles every command of `make demo` with callgrind and lists
every function they run, grouped so that the functions of the commands users run most sit
together: first those `task list` runs (and among them, those `task create` runs too), then
those of `task create`, and so on down the list below; the rest by how many commands use them.

Functions missing from the list (new code) are placed after it: the order ages gracefully, and
running this again after larger changes restores it.

Usage: scripts/order-functions.py [BUILD_DIR]   (a Release build; default build/release)
"""
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

# The commands users run most, most frequent first (prefixes of the demo's command lines).
PRIORITY = ["task list", "task create", "task get", "task start", "task complete", "task log",
            "task section", "parent show", "parent create", "events list", "traces list", "metrics",
            "logs"]


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "build/release"))
    sc = os.path.join(build, "bin/sc")
    with tempfile.TemporaryDirectory() as work:
        wrapper = os.path.join(work, "sc")
        with open(wrapper, "w") as out:
            out.write("#!/bin/sh\nexec valgrind -q --tool=callgrind --demangle=no --compress-strings=no "
                      f"--compress-pos=no --callgrind-out-file={work}/profile.%p {sc} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        subprocess.run([os.path.join(top, "scripts/demo.sh"), wrapper], check=True, stdout=subprocess.DEVNULL)
        profiles = [read_profile(path) for path in glob.glob(os.path.join(work, "profile.*"))]

    uses = collections.Counter(name for _, names in profiles for name in names)
    groups = [set().union(*[names for command, names in profiles if command.startswith(prefix)] or [set()])
              for prefix in PRIORITY]
    native = native_string_functions(sc, uses)
    order = sorted(uses, key=lambda name: (tuple(name not in group for group in groups), -uses[name], name))
    # glibc's string functions are chosen by CPU: callgrind runs the AVX2 ones, this machine
    # the EVEX/AVX-512 ones. Every command calls them: they go first.
    order = [name for name in native if name not in uses] + order
    with open(os.path.join(top, "cmake/sc-function-order.txt"), "w") as out:
        out.write("".join(name + "\n" for name in order))
    print(f"order-functions: {len(order)} functions from {len(profiles)} commands", file=sys.stderr)


def read_profile(path):
    """The command line and the set of functions one callgrind profile ran."""
    command, names = "", set()
    with open(path, errors="replace") as profile:
        for line in profile:
            if line.startswith("cmd:"):
                command = " ".join(line.split()[2:])  # without the path of sc
            elif line.startswith("fn="):
                name = re.sub(r"'\d+$", "", line[3:].strip())  # 'N marks a recursion level
                if not name.startswith(("0x", "(")):  # unnamed addresses, "(below main)"
                    names.add(name)
    return command, names


def native_string_functions(sc, uses):
    """The EVEX and AVX-512 variants of each glibc string function the profiles ran."""
    families = {match.group(1) for name in uses if (match := re.match(r"(__[a-z]+)_(avx|sse|evex)", name))}
    symbols = subprocess.run(["nm", "--defined-only", sc], check=True, capture_output=True, text=True).stdout
    found = []
    for line in symbols.splitlines():
        name = line.split()[-1]
        match = re.match(r"(__[a-z]+)_(evex|avx512)", name)
        if match and match.group(1) in families:
            found.append(name)
    return sorted(set(found))


if __name__ == "__main__":
    main()
