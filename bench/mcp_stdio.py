#!/usr/bin/env python3
"""tools/call round trips of `sc mcp` over stdio: task_get, and task_list on a tree of N tasks,
beside MCP `ping` (the transport's floor) and `sc task list --format json` on the same tree.

    bench/mcp_stdio.py SC [SC ...] [--tasks 1000] [--calls 300] [--rounds 1] [--no-telemetry]
                      [--callgrind]

Several SC binaries (an old build and a new one) are measured in the same run, each on its own
tree of the same tasks, in turns (--rounds times each). One client, one request in flight.

Two clients time each call (docs/performance.md, "The MCP server over stdio"):
- raw: the request's bytes are encoded before timing; the timed loop is one os.write of them
  and os.read until the answer's newline; every answer is parsed and checked after the loop.
  What it contains: the pipe both ways, the server's wake-ups and its work.
- parsed: json.dumps of the request, a write, readline and json.loads of the answer in the
  timed loop, as a simple Python client does (what the earlier rounds reported).
`ping` is timed by both beside task_get: what any call pays before the server does anything.
`sc task list` is timed with its output only captured, and parsed as the MCP answer is.

Beside wall time: the server's CPU time per call (user + system of all its threads, from
/proc/PID/task/*/schedstat, in ns), which a loaded machine inflates less than wall time; with
--callgrind, the server runs under valgrind (its wall times then mean nothing) and the
instructions it executes per call are counted for each phase (collection switched on and off
around the timed loops with callgrind_control)."""
import argparse, glob, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("sc", nargs="+")
parser.add_argument("--tasks", type=int, default=1000)
parser.add_argument("--calls", type=int, default=300)
parser.add_argument("--rounds", type=int, default=1)
parser.add_argument("--no-telemetry", action="store_true")
parser.add_argument("--callgrind", action="store_true",
                    help="count the server's instructions per call (valgrind; wall times are then meaningless)")
options = parser.parse_args()
flags = ["--no-telemetry"] if options.no_telemetry else []


class Server:
    """`sc mcp` on a fresh project of options.tasks tasks, spoken to through raw pipe fds."""

    def __init__(self, sc):
        self.sc = sc
        self.folder = tempfile.mkdtemp(prefix="sc-mcp-bench-")
        os.makedirs(self.folder + "/home")
        os.makedirs(self.folder + "/project")
        self.env = dict(os.environ, HOME=self.folder + "/home", SCOPECRAFT_ROOT=self.folder + "/project")
        subprocess.run([sc, "init"], env=self.env, check=True, capture_output=True)
        command = [sc, *flags, "mcp"]
        if options.callgrind:
            command = ["valgrind", "--tool=callgrind", "--trace-children=yes", "--instr-atstart=no",
                       "--callgrind-out-file=" + self.folder + "/callgrind.%p", *command]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL if options.callgrind else None,
                                        env=self.env, bufsize=0)
        self.write_fd = self.process.stdin.fileno()
        self.read_fd = self.process.stdout.fileno()
        self.pending = b""
        self.next_id = 0
        self.send("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                 "clientInfo": {"name": "bench", "version": "1"}})
        self.ids = []
        for i in range(options.tasks):
            answer = self.call("task_create", {"title": "Bench task %d" % i, "type": "chore"})
            self.ids.append(answer["result"]["structuredContent"]["data"]["metadata"]["id"])

    def read_line(self):
        while b"\n" not in self.pending:
            got = os.read(self.read_fd, 1 << 20)
            if not got:
                raise SystemExit("%s mcp closed its output" % self.sc)
            self.pending += got
        line, _, self.pending = self.pending.partition(b"\n")
        return line

    def request(self, method, params):
        self.next_id += 1
        return {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}

    def send(self, method, params):
        os.write(self.write_fd, (json.dumps(self.request(method, params)) + "\n").encode())
        return json.loads(self.read_line())

    def call(self, name, arguments):
        return self.send("tools/call", {"name": name, "arguments": arguments})

    def cpu_ns(self):
        total = 0
        for path in glob.glob("/proc/%d/task/*/schedstat" % self.process.pid):
            try:
                total += int(open(path).read().split()[0])
            except (OSError, ValueError, IndexError):
                pass  # a thread that ended meanwhile
        return total

    def callgrind(self, on):
        if options.callgrind:
            subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(self.process.pid)],
                           check=True, capture_output=True)

    def instructions(self):
        """Instructions counted so far (collection on only around the timed loops)."""
        if not options.callgrind:
            return 0
        subprocess.run(["callgrind_control", "-d", str(self.process.pid)], check=True, capture_output=True)
        total = 0
        for path in glob.glob(self.folder + "/callgrind.%d*" % self.process.pid):
            for line in open(path, errors="replace"):
                if line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
        return total

    def phase(self, count, method, params, parsed):
        """Times `count` requests; returns (sorted wall times in s, server CPU ns per call,
        instructions per call). Answers are checked after timing."""
        requests = [self.request(method, params) for _ in range(count)]
        encoded = [(json.dumps(r, separators=(",", ":")) + "\n").encode() for r in requests]
        answers = []
        times = []
        instructions_before = self.instructions()
        cpu_before = self.cpu_ns()
        self.callgrind(True)
        write, read, clock = os.write, os.read, time.perf_counter
        fd_in, fd_out = self.write_fd, self.read_fd
        if parsed:
            for request in requests:
                started = clock()
                os.write(fd_in, (json.dumps(request) + "\n").encode())
                answers.append(json.loads(self.read_line()))
                times.append(clock() - started)
        else:
            for data in encoded:
                started = clock()
                write(fd_in, data)
                got = read(fd_out, 1 << 20)
                if got[-1:] != b"\n":
                    pieces = [got]
                    while pieces[-1][-1:] != b"\n":
                        pieces.append(read(fd_out, 1 << 20))
                    got = b"".join(pieces)
                times.append(clock() - started)
                answers.append(got)
        self.callgrind(False)
        cpu = (self.cpu_ns() - cpu_before) / count
        instructions = (self.instructions() - instructions_before) / count
        for request, answer in zip(requests, answers):
            if not parsed:
                # One answer per read: the server writes each response as one line, and
                # sends nothing else to a client that asks for no progress or logs.
                assert answer.count(b"\n") == 1, "more than one message in an answer"
                answer = json.loads(answer)
            assert answer.get("id") == request["id"], "answer to another request: %r" % answer
            assert "error" not in answer, "error: %r" % answer
            if method == "tools/call":
                assert answer["result"]["isError"] is False, "tool error: %r" % answer
                assert answer["result"]["structuredContent"]["success"] is True
        times.sort()
        return times, cpu, instructions

    def close(self):
        self.process.stdin.close()
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_phase(server, count, parse):
    times = []
    before = children_cpu()
    for _ in range(count):
        started = time.perf_counter()
        output = subprocess.run([server.sc, *flags, "task", "list", "--include-parents", "--format", "json"],
                                env=server.env, check=True, capture_output=True).stdout
        if parse:
            json.loads(output)
        times.append(time.perf_counter() - started)
    times.sort()
    return times, (children_cpu() - before) / count * 1e9, 0


def median(times):
    return statistics.median(times)


def p95(times):
    return times[min(len(times) - 1, int(len(times) * 0.95))]


def measure(sc):
    server = Server(sc)
    task = {"id": server.ids[0]}
    listing = {"include_content": True}
    list_calls = max(options.calls // 10, 5)
    # Warm: the first calls load the state, arm the watch, fault in the heap.
    server.phase(20, "tools/call", {"name": "task_get", "arguments": task}, False)
    server.phase(3, "tools/call", {"name": "task_list", "arguments": listing}, False)
    rows = [
        ("ping, raw", "us", server.phase(options.calls, "ping", {}, False)),
        ("task_get, raw", "us", server.phase(options.calls, "tools/call", {"name": "task_get", "arguments": task},
                                             False)),
        ("ping, parsed", "us", server.phase(options.calls, "ping", {}, True)),
        ("task_get, parsed", "us", server.phase(options.calls, "tools/call",
                                                {"name": "task_get", "arguments": task}, True)),
        ("task_list, raw", "ms", server.phase(list_calls, "tools/call",
                                              {"name": "task_list", "arguments": listing}, False)),
        ("task_list, parsed", "ms", server.phase(list_calls, "tools/call",
                                                 {"name": "task_list", "arguments": listing}, True)),
    ]
    if not options.callgrind:
        rows.append(("sc task list --format json, captured", "ms", cli_phase(server, list_calls, False)))
        rows.append(("sc task list --format json, parsed", "ms", cli_phase(server, list_calls, True)))
    server.close()
    return rows


mode = "telemetry off" if options.no_telemetry else "telemetry on"
print("%s, %d tasks, %d calls (task_list: %d), load average %.1f" %
      (mode, options.tasks, options.calls, max(options.calls // 10, 5), os.getloadavg()[0]))
for round_number in range(options.rounds):
    for sc in options.sc:
        rows = measure(sc)
        print("%s (round %d)" % (sc, round_number + 1))
        print("  %-40s %10s %10s %14s %14s" % ("", "median", "p95", "CPU/call", "instr/call"))
        for name, unit, (times, cpu, instructions) in rows:
            scale = 1e6 if unit == "us" else 1e3
            print("  %-40s %7.*f %s %7.*f %s %11.1f us %14s" %
                  (name, 0 if unit == "us" else 2, median(times) * scale, unit, 0 if unit == "us" else 2,
                   p95(times) * scale, unit, cpu / 1e3, "%.0f" % instructions if options.callgrind else "-"))
        figures = {name: median(times) for name, _, (times, _, _) in rows}
        if "sc task list --format json, captured" in figures:
            print("  task_list / sc task list: %.2fx raw against captured, %.2fx both parsed" %
                  (figures["task_list, raw"] / figures["sc task list --format json, captured"],
                   figures["task_list, parsed"] / figures["sc task list --format json, parsed"]))
        print("  task_get above ping, raw: %.0f us" % ((figures["task_get, raw"] - figures["ping, raw"]) * 1e6))
        sys.stdout.flush()
