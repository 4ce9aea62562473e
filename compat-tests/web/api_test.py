#!/usr/bin/env python3
"""api_test.py -- the web view's JSON API, read with a real JSON parser, against
what `cm ... --json` prints (the same encoder, src/json/json_view.h), with a
real CmNameServer and real processes, one of them named with bytes that are
not UTF-8.  Also: /metrics, errors as JSON, requests to another host name
refused, and CmNameServer's checks of --http and --allow-kill.

    python3 api_test.py BIN_DIR
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BIN = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="cm-web-api.")
ENV = {k: v for k, v in os.environ.items()
       if k not in ("CMDOMAIN", "CMDOMAIN_DATABASE", "CMMGR", "CMROOT", "CM_HOST", "CM_LOG", "CM_SEND_TIMEOUT", "CM_SECRET")}
CHILDREN = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, seconds, probe):
    until = time.monotonic() + seconds
    last = None
    while True:
        try:
            last = probe()
            if last:
                return last
        except Exception as error:  # the name server may not answer yet
            last = repr(error)
        if time.monotonic() > until:
            raise AssertionError(f"{what}: not within {seconds} s (last: {last!r})")
        time.sleep(0.1)


def get(url, headers=None):
    """(status, content type, parsed JSON or text) of a GET."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            status, kind, body = response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        status, kind, body = error.code, error.headers["Content-Type"], error.read()
    if kind.startswith("application/json"):
        return status, kind, json.loads(body)  # strict: fails on anything that is not JSON
    return status, kind, body.decode()


def cm_json(*args):
    done = subprocess.run([os.path.join(BIN, "cm"), *args, "--json"], env=ENV, capture_output=True, timeout=30)
    assert done.returncode == 0, f"cm {args}: {done.stderr.decode(errors='replace')}"
    return json.loads(done.stdout)


def start(program, *args, **kwargs):
    child = subprocess.Popen([os.path.join(BIN, program), *args], env=ENV, **kwargs)
    CHILDREN.append(child)
    return child


def without_uptime(records):
    return [{k: v for k, v in r.items() if k != "uptime"} for r in records]


def main():
    port = free_port()
    ENV["CM_NAMESERVER"] = f"tcp://localhost:{port}"
    log_path = os.path.join(WORK, "nameserver.log")
    with open(log_path, "w") as log:
        start("CmNameServer", "--port", str(port), "--http", "0", stdout=log, stderr=log)
    url = wait_for("the web view's address in the log", 20,
                   lambda: [w for w in open(log_path).read().split() if w.startswith("http://")])[0]

    # Two processes, one named "Caf\xe9" (Latin-1: not UTF-8), sending to each other.
    latin = b"Caf\xe9"
    talkers = {b"Plain": start("web_talker", "Plain", "Caf%E9", stdout=subprocess.PIPE),
               latin: start("web_talker", "Caf%E9", "Plain", stdout=subprocess.PIPE)}
    for child in talkers.values():
        assert child.stdout.readline().strip() == b"ready"
    latin_json = {"hex": latin.hex(), "shown": "Caf\ufffd"}

    # /api/names = cm names --json (up to the uptime, read a moment apart).
    names = wait_for("both listed", 20, lambda: (lambda n: n if len(n) == 2 else None)(get(url + "api/names")[2]))
    assert without_uptime(names) == without_uptime(cm_json("names")), (names, cm_json("names"))
    assert latin_json in [n["name"] for n in names], names
    assert {n["pid"] for n in names} == {c.pid for c in talkers.values()}

    # /api/connects = cm connects --json: the same pairs, counts read between two of ours.
    wait_for("both edges", 20, lambda: len(get(url + "api/connects")[2]) == 2)
    before = get(url + "api/connects")[2]
    middle = cm_json("connects")
    after = get(url + "api/connects")[2]
    pairs = lambda cs: [(json.dumps(c["from"]), json.dumps(c["to"])) for c in cs]
    assert pairs(before) == pairs(middle) == pairs(after), (before, middle, after)
    for b, m, a in zip(before, middle, after):
        assert b["messages"] <= m["messages"] <= a["messages"], (b, m, a)
    assert {"from": "Plain", "to": latin_json} == {k: before[pairs(before).index(('"Plain"', json.dumps(latin_json)))][k] for k in ("from", "to")}

    # /api/info/NAME = cm info --json NAME, but from the process's last report
    # (the counters are as old as it is): the same keys, the same identity.
    for name, path in ((b"Plain", "Plain"), (latin, "Caf%E9")):
        # The first report goes out at registration, before the handlers are
        # installed; the next within 5 s of that change.
        status, _, info = wait_for(f"a report of {name} with its handlers", 30, lambda: (
            lambda r: r if r[0] == 200 and r[2]["handler_types"] else None)(get(url + "api/info/" + path)))
        asked = cm_json("info", name)
        assert info["pid"] == talkers[name].pid, info
        assert info["name"] == ("Plain" if name == b"Plain" else latin_json), info
        assert sorted(info["handler_types"]) == ["Status", "Tick"], info
        for key in ("name", "pid", "host", "address", "handlers", "handler_types", "version"):
            assert info[key] == asked[key], (key, info[key], asked[key])
        assert set(asked) - {"cm_version", "cm_protocol", "cm_reads"} <= set(info), (sorted(asked), sorted(info))

    # Errors: JSON with a status.
    status, kind, body = get(url + "api/info/Nobody")
    assert status == 404 and "not running" in body["error"], (status, body)
    # A NUL byte would cut the name short further down ("Plain%00x" taken as "Plain").
    status, kind, body = get(url + "api/info/Plain%00x")
    assert status == 400 and "NUL" in body["error"], (status, body)
    request = urllib.request.Request(url + "api/kill/Plain%00x", data=b"", headers={"X-Cm-Confirm": "kill"})
    try:
        urllib.request.urlopen(request, timeout=20)
        raise AssertionError("a kill of Plain%00x was taken")
    except urllib.error.HTTPError as error:
        assert error.code == 400 and "NUL" in json.loads(error.read())["error"], error.code
    assert talkers[b"Plain"].poll() is None, "Plain lives"
    status, kind, body = get(url + "api/nothing/here")
    assert status == 404 and kind.startswith("application/json") and body["error"], (status, body)
    status, _, body = get(url + "api/names", {"Host": "attacker.example:80"})
    assert status == 421, (status, body)

    # /metrics: the Prometheus exposition.
    status, kind, text = get(url + "metrics")
    assert status == 200 and kind == "text/plain; version=0.0.4", (status, kind)
    assert any(line.startswith("# TYPE ") for line in text.splitlines()), text[:400]

    # The page itself.
    status, kind, text = get(url)
    assert status == 200 and kind.startswith("text/html") and "app.js" in text, (status, kind)

    # The command line: bad --http, --allow-kill alone, a port that is taken.
    def server(*args):
        return subprocess.run([os.path.join(BIN, "CmNameServer"), "--port", str(free_port()), *args], env=ENV,
                              capture_output=True, text=True, timeout=30)
    for bad in ("http", "1.2.3.4:", "70000", "[::1]8080"):
        done = server("--http", bad)
        assert done.returncode == 2 and "--http" in done.stderr, (bad, done.returncode, done.stderr)
    done = server("--allow-kill")
    assert done.returncode == 2 and "--http" in done.stderr, done.stderr
    taken = int(url.rsplit(":", 1)[1].strip("/"))
    done = server("--http", str(taken))
    assert done.returncode == 1 and "cannot listen" in done.stderr, done.stderr
    print("PASS web.json_api")


try:
    main()
    shutil.rmtree(WORK, ignore_errors=True)
except BaseException:
    print(f"work directory kept (the name server's log): {WORK}")
    raise
finally:
    for child in CHILDREN:
        child.kill()
        child.wait()
