#!/usr/bin/env python3
"""Checks that CI runs every suite it expects (tests/expected-suites.txt, tests/README.md).

  check_suites.py list KIND          the names of that kind (ctest, fuzz, bench), with their
                                     notes (a fuzzer's seed folder), one a line
  check_suites.py ctest BUILD_DIR    every expected ctest suite has tests registered in
                                     BUILD_DIR, and no registered suite is missing from the list
  check_suites.py skipped LOG        no test of a ctest run (its output in LOG) was skipped

A GoogleTest program's tests belong to the suite named after the program; a test added with
add_test is a suite of its own, by its name. Each failure names the suite and says what to do;
the exit status is 1 when anything is wrong.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIST = os.path.join(HERE, "..", "tests", "expected-suites.txt")


def expected(kind):
    """(name, notes) of every line of that kind in tests/expected-suites.txt, in order."""
    found = []
    with open(LIST, encoding="utf-8") as listing:
        for line in listing:
            words = line.split("#", 1)[0].split()
            if words and words[0] == kind:
                found.append((words[1], words[2:]))
    return found


def registered_suites(build_dir):
    """Suite name -> number of tests that CTest would run in build_dir."""
    shown = subprocess.run(["ctest", "--test-dir", build_dir, "--show-only=json-v1"],
                           check=True, capture_output=True, text=True)
    suites = {}
    for test in json.loads(shown.stdout).get("tests", []):
        command = test.get("command") or []
        is_gtest = any(argument.startswith("--gtest_filter=") for argument in command[1:])
        suite = os.path.basename(command[0]) if is_gtest else test["name"]
        suites[suite] = suites.get(suite, 0) + 1
    return suites


def check_ctest(build_dir):
    suites = registered_suites(build_dir)
    problems = []
    for name, _ in expected("ctest"):
        if suites.get(name, 0) == 0:
            if f"{name}_NOT_BUILT" in suites:
                problems.append(f"expected test suite {name} is missing from {build_dir}: it was not built")
            else:
                problems.append(f"expected test suite {name} is missing from {build_dir}: no test of it is "
                                "registered (a source or CMake file that defines it is gone or no longer included)")
    known = {name for name, _ in expected("ctest")}
    for name in sorted(suites):
        if name.endswith("_NOT_BUILT"):
            continue
        if name not in known:
            problems.append(f"test suite {name} ({suites[name]} tests) is not in tests/expected-suites.txt: "
                            f"add a line `ctest {name}` so that CI notices if it ever disappears")
    for problem in problems:
        print(f"check_suites: {problem}", file=sys.stderr)
    if not problems:
        total = sum(suites.values())
        print(f"check_suites: all {len(known)} expected suites registered ({total} tests)", file=sys.stderr)
    return 1 if problems else 0


def check_skipped(log_path):
    """ctest prints the tests it did not run after 'The following tests did not run:'."""
    skipped = []
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = re.match(r"\s*\d+\s*-\s*(\S+)\s*\((Skipped|Not Run|Disabled)\)", line)
            if match:
                skipped.append(f"{match.group(1)} ({match.group(2).lower()})")
    for test in skipped:
        print(f"check_suites: test {test} did not run; SC_REQUIRE_ALL_SUITES=1 makes that a failure "
              "(its output above says what it lacked)", file=sys.stderr)
    return 1 if skipped else 0


def main(arguments):
    if len(arguments) == 2 and arguments[0] == "list":
        for name, notes in expected(arguments[1]):
            print(" ".join([name] + notes))
        return 0
    if len(arguments) == 2 and arguments[0] == "ctest":
        return check_ctest(arguments[1])
    if len(arguments) == 2 and arguments[0] == "skipped":
        return check_skipped(arguments[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
