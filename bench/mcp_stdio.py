#!/usr/bin/env python3
"""tools/call round trips of `sc mcp` over stdio: task_get, and task_list on a tree of N tasks,
beside `sc task list --format json` on the same tree.

    bench/mcp_stdio.py build/dev/bin/sc [--tasks 1000] [--calls 300] [--no-telemetry]

Prints medians and 95th percentiles (wall time, one client, one request in flight; the MCP
answers are parsed by the client, and `sc task list` is timed both with its output only captured
and parsed the same way), and the CPU
time per call of the server and of the CLI (user + system), which a loaded machine inflates
less than wall time."""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("sc")
parser.add_argument("--tasks", type=int, default=1000)
parser.add_argument("--calls", type=int, default=300)
parser.add_argument("--no-telemetry", action="store_true")
options = parser.parse_args()

folder = tempfile.mkdtemp(prefix="sc-mcp-bench-")
os.makedirs(folder + "/home")
os.makedirs(folder + "/project")
env = dict(os.environ, HOME=folder + "/home", SCOPECRAFT_ROOT=folder + "/project")
flags = ["--no-telemetry"] if options.no_telemetry else []
subprocess.run([options.sc, "init"], env=env, check=True, capture_output=True)
server = subprocess.Popen([options.sc, *flags, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
next_id = 0


def send(method, params):
    global next_id
    next_id += 1
    server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params}) + "\n")
    server.stdin.flush()
    return json.loads(server.stdout.readline())


def server_cpu():
    fields = open("/proc/%d/stat" % server.pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(count, action):
    times = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


send("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
ids = []
for i in range(options.tasks):
    answer = send("tools/call", {"name": "task_create", "arguments": {"title": "Bench task %d" % i, "type": "chore"}})
    ids.append(answer["result"]["structuredContent"]["data"]["metadata"]["id"])
call = lambda name, arguments: send("tools/call", {"name": name, "arguments": arguments})
get = timed(options.calls, lambda: call("task_get", {"id": ids[0]}))
list_calls = max(options.calls // 10, 5)
before = server_cpu()
listed = timed(list_calls, lambda: call("task_list", {"include_content": True}))
list_cpu = (server_cpu() - before) / list_calls
before = children_cpu()
cli = timed(list_calls, lambda: subprocess.run(
    [options.sc, *flags, "task", "list", "--include-parents", "--format", "json"], env=env, check=True, capture_output=True))
cli_cpu = (children_cpu() - before) / list_calls
# The same with the client reading the listing, as the MCP client above reads its answer: what a
# program that wants the tasks waits for either way.
cli_parsed = timed(list_calls, lambda: json.loads(subprocess.run(
    [options.sc, *flags, "task", "list", "--include-parents", "--format", "json"], env=env, check=True,
    capture_output=True).stdout))
server.stdin.close()
server.wait()
mode = "telemetry off" if options.no_telemetry else "telemetry on"
print("%s, %d tasks" % (mode, options.tasks))
print("  task_get over stdio:          median %8.0f us   p95 %8.0f us" % (get[0] * 1e6, get[1] * 1e6))
print("  task_list over stdio:         median %8.2f ms   p95 %8.2f ms" % (listed[0] * 1e3, listed[1] * 1e3))
print("  sc task list --format json:   median %8.2f ms   p95 %8.2f ms" % (cli[0] * 1e3, cli[1] * 1e3))
print("  sc task list, output parsed: median %8.2f ms   p95 %8.2f ms" % (cli_parsed[0] * 1e3, cli_parsed[1] * 1e3))
print("  task_list / sc task list: %.2fx (output captured), %.2fx (both parsed by the client)" %
      (listed[0] / cli[0], listed[0] / cli_parsed[0]))
print("  CPU per listing: server %.1f ms, sc task list %.1f ms" % (list_cpu * 1e3, cli_cpu * 1e3))
