#!/usr/bin/env python3
"""A stand-in for Claude Code in the session tests: takes Claude Code's flags, reads the prompt on
stdin (autonomous runs), prints stream-json lines like `claude -p --output-format stream-json
--verbose`, posts OTLP/HTTP JSON metrics and log events in Claude Code's names to the endpoint it
is given, calls `sc` itself, and ends the way STANDIN_BEHAVIOUR says.

STANDIN_BEHAVIOUR: success (default), failure (exit STANDIN_EXIT, default 1, with an error
result), error_result (exit 0 with is_error true), crash (SIGSEGV itself), hang (sleep forever,
ignoring SIGTERM when STANDIN_IGNORE_TERM=1), flood (STANDIN_FLOOD_MB of output, then success),
no_result (exit STANDIN_EXIT without a result line).
STANDIN_CALL_SC=1: runs `sc task log $SCOPECRAFT_TASK "stand-in was here"` (sc from STANDIN_SC).
STANDIN_OTLP=1: posts to $OTEL_EXPORTER_OTLP_ENDPOINT; STANDIN_OTLP_FILE=path: appends the same
request bodies there, one per line, instead; STANDIN_OTLP_APPEND=tool with STANDIN_STORE=root:
appends them to the store with tests' sc-test-otlp-append (no receiver needed).
STANDIN_RECORD=path: writes {argv, env, stdin, cwd, pid} as JSON there first.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

argv = sys.argv[1:]
interactive = "--print" not in argv


def flag(name):
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None


session_id = flag("--session-id") or flag("--resume") or "standin-session"
behaviour = os.environ.get("STANDIN_BEHAVIOUR", "success")
prompt = "" if interactive else sys.stdin.read()

if os.environ.get("STANDIN_RECORD"):
    with open(os.environ["STANDIN_RECORD"], "w") as out:
        json.dump({"argv": argv, "stdin": prompt, "cwd": os.getcwd(), "pid": os.getpid(),
                   "env": {k: v for k, v in os.environ.items()
                           if k.startswith(("OTEL_", "CLAUDE_", "SCOPECRAFT_", "TRACE", "TASK_"))}}, out)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def attrs(d):
    out = []
    for k, v in d.items():
        if isinstance(v, bool):
            out.append({"key": k, "value": {"stringValue": "true" if v else "false"}})
        elif isinstance(v, int):
            out.append({"key": k, "value": {"intValue": str(v)}})
        elif isinstance(v, float):
            out.append({"key": k, "value": {"doubleValue": v}})
        else:
            out.append({"key": k, "value": {"stringValue": v}})
    return out


def resource():
    extra = {}
    for pair in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(","):
        if "=" in pair:
            k, v = pair.split("=", 1)
            extra[k] = v
    extra.update({"service.name": "claude-code", "service.version": "2.0.0-standin"})
    return {"attributes": attrs(extra)}


def post(signal_name, body):
    line = json.dumps(body, separators=(",", ":"))
    if os.environ.get("STANDIN_OTLP_APPEND"):
        subprocess.run([os.environ["STANDIN_OTLP_APPEND"], os.environ["STANDIN_STORE"], signal_name],
                       input=(line + "\n").encode(), check=True)
        return
    if os.environ.get("STANDIN_OTLP_FILE"):
        with open(os.environ["STANDIN_OTLP_FILE"], "a") as out:
            out.write(signal_name + " " + line + "\n")
        return
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if not endpoint:
        return
    request = urllib.request.Request(endpoint.rstrip("/") + "/v1/" + signal_name, data=line.encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    if os.environ.get("OTEL_EXPORTER_OTLP_HEADERS", "").startswith("Authorization="):
        request.add_header("Authorization", os.environ["OTEL_EXPORTER_OTLP_HEADERS"].split("=", 1)[1])
    try:
        urllib.request.urlopen(request, timeout=5).read()
    except Exception as error:  # the agent's export failing never fails the agent
        sys.stderr.write("otlp export failed: %s\n" % error)


def export_telemetry(tools, usage, cost):
    if not (os.environ.get("STANDIN_OTLP") or os.environ.get("STANDIN_OTLP_FILE") or
            os.environ.get("STANDIN_OTLP_APPEND")):
        return
    now = str(time.time_ns())
    common = {"session.id": session_id}
    records = []
    for use_id, name, ok in tools:
        records.append({"timeUnixNano": now, "body": {"stringValue": "claude_code.tool_result"},
                        "attributes": attrs(dict(common, **{"event.name": "tool_result", "tool_name": name,
                                                            "tool_use_id": use_id, "success": ok,
                                                            "duration_ms": 12}))})
    records.append({"timeUnixNano": now, "body": {"stringValue": "claude_code.api_request"},
                    "attributes": attrs(dict(common, **{"event.name": "api_request", "model": "claude-standin-1",
                                                        "input_tokens": usage["input_tokens"],
                                                        "output_tokens": usage["output_tokens"],
                                                        "cache_read_tokens": usage["cache_read_input_tokens"],
                                                        "cache_creation_tokens": 0, "cost_usd": cost}))})
    post("logs", {"resourceLogs": [{"resource": resource(), "scopeLogs": [
        {"scope": {"name": "com.anthropic.claude_code.events"}, "logRecords": records}]}]})
    points = [{"asInt": str(usage[key]), "startTimeUnixNano": now, "timeUnixNano": now,
               "attributes": attrs(dict(common, type=kind, model="claude-standin-1"))}
              for key, kind in (("input_tokens", "input"), ("output_tokens", "output"),
                                ("cache_read_input_tokens", "cacheRead"))]
    post("metrics", {"resourceMetrics": [{"resource": resource(), "scopeMetrics": [
        {"scope": {"name": "com.anthropic.claude_code"}, "metrics": [
            {"name": "claude_code.token.usage", "unit": "tokens",
             "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": points}},
            {"name": "claude_code.cost.usage", "unit": "USD",
             "sum": {"aggregationTemporality": 1, "isMonotonic": True, "dataPoints": [
                 {"asDouble": cost, "startTimeUnixNano": now, "timeUnixNano": now,
                  "attributes": attrs(dict(common, model="claude-standin-1"))}]}}]}]}]})


if os.environ.get("STANDIN_CALL_SC") == "1":
    # Claude Code passes no OTEL_* variables to its tools; TRACEPARENT does reach them.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    sc = os.environ.get("STANDIN_SC", "sc")
    task = os.environ.get("SCOPECRAFT_TASK", "")
    subprocess.run([sc, "task", "log", task, "stand-in was here"], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

model = "claude-standin-1"
if not interactive:
    emit({"type": "system", "subtype": "init", "session_id": session_id, "cwd": os.getcwd(), "model": model,
          "tools": ["Bash", "Read"], "mcp_servers": []})
    emit({"type": "assistant", "message": {"id": "msg_1", "model": model, "content": [
        {"type": "text", "text": "Looking at the task."},
        {"type": "tool_use", "id": "tu_1", "name": "Bash", "input": {"command": "make test"}}],
        "usage": {"input_tokens": 100, "output_tokens": 20}}, "parent_tool_use_id": None, "session_id": session_id})
    emit({"type": "user", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "tu_1", "content": "ok", "is_error": False}]}, "session_id": session_id})
    emit({"type": "assistant", "message": {"id": "msg_2", "model": model, "content": [
        {"type": "tool_use", "id": "tu_2", "name": "Read", "input": {"file_path": "/nope"}}],
        "usage": {"input_tokens": 20, "output_tokens": 10}}, "parent_tool_use_id": None, "session_id": session_id})
    emit({"type": "user", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "tu_2", "content": "no such file", "is_error": True}]},
        "session_id": session_id})
    print("not json at all", flush=True)

tools = [("tu_1", "Bash", True), ("tu_2", "Read", False)]
usage = {"input_tokens": 120, "output_tokens": 30, "cache_read_input_tokens": 7, "cache_creation_input_tokens": 0}
cost = 0.0123
export_telemetry(tools, usage, cost)

if behaviour == "flood":
    chunk = ("x" * 1023 + "\n") * 1024
    for _ in range(int(os.environ.get("STANDIN_FLOOD_MB", "20"))):
        sys.stdout.write(chunk)
    sys.stdout.write("y" * (3 << 20) + "\n")  # one line longer than any message
    sys.stdout.flush()
if behaviour == "crash":
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGSEGV)
if behaviour == "hang":
    if os.environ.get("STANDIN_IGNORE_TERM") == "1":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "1000"])  # a grandchild, which must not be orphaned
    with open(os.environ.get("STANDIN_PIDFILE", "/dev/null"), "w") as out:
        out.write("%d %d\n" % (os.getpid(), child.pid))
    while True:
        time.sleep(1)

result = {"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1234, "duration_api_ms": 800,
          "num_turns": 3, "result": "Done", "session_id": session_id, "total_cost_usd": cost,
          "usage": usage}
code = 0
if behaviour == "failure":
    result.update(subtype="error_during_execution", is_error=True, errors=["the tests do not pass"])
    del result["result"]
    code = int(os.environ.get("STANDIN_EXIT", "1"))
elif behaviour == "error_result":
    result.update(subtype="error_max_turns", is_error=True, errors=["reached the maximum number of turns"])
    del result["result"]
if behaviour == "no_result":
    sys.stderr.write("something went wrong\n")
    sys.exit(int(os.environ.get("STANDIN_EXIT", "2")))
if not interactive:
    emit(result)
sys.exit(code)
