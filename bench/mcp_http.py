#!/usr/bin/env python3
"""tools/call round trips of `sc mcp --http` (Streamable HTTP on the network server): task_get,
and task_list on a tree of N tasks; the sibling of bench/mcp_stdio.py.

    bench/mcp_http.py build/dev/bin/sc [--tasks 1000] [--calls 300] [--no-telemetry]

One client (Python's http.client), one kept-alive connection, one request in flight; prints
medians and 95th percentiles of the wall time, the round trips per second they make, and the
server's CPU time per call (user + system)."""
import argparse, http.client, json, os, re, statistics, subprocess, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("sc")
parser.add_argument("--tasks", type=int, default=1000)
parser.add_argument("--calls", type=int, default=300)
parser.add_argument("--no-telemetry", action="store_true")
options = parser.parse_args()
options.sc = os.path.abspath(options.sc)  # the server runs in the project folder

folder = tempfile.mkdtemp(prefix="sc-mcp-http-bench-")
os.makedirs(folder + "/home")
os.makedirs(folder + "/project")
env = dict(os.environ, HOME=folder + "/home", SCOPECRAFT_ROOT=folder + "/project")
flags = ["--no-telemetry"] if options.no_telemetry else []
subprocess.run([options.sc, "init"], env=env, check=True, capture_output=True, cwd=folder + "/project")
log = open(folder + "/server.log", "w+")
server = subprocess.Popen([options.sc, *flags, "mcp", "--http", "--port", "0"], stderr=log, env=env,
                          cwd=folder + "/project")
port = None
for _ in range(400):
    log.seek(0)
    found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", log.read())
    if found:
        port = int(found.group(1))
        break
    time.sleep(0.05)
assert port, "sc mcp --http did not start"
connection = http.client.HTTPConnection("127.0.0.1", port)
session = None
next_id = 0


def send(method, params):
    global next_id, session
    next_id += 1
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if session:
        headers.update({"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"})
    body = json.dumps({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})
    connection.request("POST", "/mcp", body, headers)
    response = connection.getresponse()
    text = response.read()
    session = session or response.getheader("Mcp-Session-Id")
    assert response.status == 200, (response.status, text[:200])
    return json.loads(text)


def server_cpu():
    fields = open("/proc/%d/stat" % server.pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(count, action):
    times = []
    before = server_cpu()
    for _ in range(count):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    cpu = (server_cpu() - before) / count
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)], cpu


send("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
ids = []
for i in range(options.tasks):
    answer = send("tools/call", {"name": "task_create", "arguments": {"title": "Bench task %d" % i, "type": "chore"}})
    ids.append(answer["result"]["structuredContent"]["data"]["metadata"]["id"])
call = lambda name, arguments: send("tools/call", {"name": name, "arguments": arguments})
get = timed(options.calls, lambda: call("task_get", {"id": ids[0]}))
listed = timed(max(options.calls // 10, 5), lambda: call("task_list", {"include_content": True}))
server.terminate()
server.wait()
mode = "telemetry off" if options.no_telemetry else "telemetry on"
print("%s, %d tasks, Streamable HTTP, one kept-alive connection" % (mode, options.tasks))
for name, (median, p95, cpu) in (("task_get", get), ("task_list", listed)):
    print("  %-10s median %8.2f ms   p95 %8.2f ms   %7.0f round trips/s   server CPU %.2f ms/call"
          % (name, median * 1e3, p95 * 1e3, 1 / median, cpu * 1e3))
