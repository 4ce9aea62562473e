#!/usr/bin/python3
"""NSGetMetrics' text, read by a real Prometheus text-format parser.

A real CmNameServer and three real processes (session_echo_child), one named
with a double quote and a backslash (a"b\\c), one with a byte that is not
UTF-8; they exchange messages driven by metrics_client; then the text is
fetched (metrics_client metrics), parsed with prometheus_client's
text_string_to_metric_families, and its values compared with what the test
did.  usage: metrics_test.py BIN_DIR
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

BIN = sys.argv[1]
HOSTILE = 'a"b\\c'                 # the name as registered: a " b \ c
NOT_UTF8 = b"bad\xffname"         # a byte no UTF-8 text holds
NOT_UTF8_LABEL = "bad\\xffname"   # how the text shows it: the four characters \xff
RELAYED, RELAYED_TOO = 123, 7
PATIENCE_S = 30  # only a bound for a broken build: reports go within a second or two


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()
# The web view's /metrics (nameserver/http_*), if this build has it: the same
# text through HTTP, read by the same parser.
HAS_HTTP = b"--http" in subprocess.run([os.path.join(BIN, "CmNameServer"), "--help"], capture_output=True).stdout
HTTP_PORT = free_port()
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith("CMDOMAIN") and k not in ("CMMGR", "CMROOT", "CM_NAMESERVER")}
ENV["CM_NAMESERVER"] = "tcp://127.0.0.1:%d" % PORT
children = []


def start(args):
    p = subprocess.Popen(args, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children.append(p)
    return p


def client(*args):
    """metrics_client ARGS (texts or bytes); what it printed."""
    argv = [os.path.join(BIN, "metrics_client").encode()] + [a if isinstance(a, bytes) else a.encode() for a in args]
    out = subprocess.run(argv, env=ENV, capture_output=True, timeout=60)
    if out.returncode != 0:
        sys.exit("metrics_client %s failed: %s" % (args[0], out.stderr.decode(errors="replace")))
    return out.stdout.decode()


def samples(text):
    """(sample name, sorted labels) -> value, and family name -> type."""
    values, types = {}, {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        assert family.documentation, "family %s has no HELP text" % family.name
        for s in family.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in values, "sample %s twice" % (key,)
            values[key] = s.value
    return values, types


def value(values, metric, **labels):
    return values.get((metric, tuple(sorted(labels.items()))))


def wait_for(what, condition):
    deadline = time.monotonic() + PATIENCE_S
    while True:
        text = client("metrics")
        values, types = samples(text)
        if condition(values):
            return text, values, types
        if time.monotonic() > deadline:
            sys.exit("FAIL: %s never came; last text:\n%s" % (what, text))
        time.sleep(0.1)


failures = []


def check(what, got, want):
    ok = got == want
    print("%s %s: %r%s" % ("ok  " if ok else "FAIL", what, got, "" if ok else " (want %r)" % (want,)))
    if not ok:
        failures.append(what)


try:
    http = ["--http", "127.0.0.1:%d" % HTTP_PORT] if HAS_HTTP else []
    start([os.path.join(BIN, "CmNameServer"), "--port", str(PORT), "--log-level", "warn"] + http)
    echo = os.path.join(BIN, "session_echo_child")
    start([echo, HOSTILE])
    start([echo, "sink"])
    start([echo.encode(), NOT_UTF8])
    wait_for("three names", lambda v: value(v, "cm_nameserver_names") == 3)

    check("relayed by a\"b\\c", client("relay", HOSTILE, "sink", str(RELAYED)).strip(), str(RELAYED))
    check("relayed by bad\\xffname", client("relay", NOT_UTF8, "sink", str(RELAYED_TOO)).strip(), str(RELAYED_TOO))
    client("send", "sink", "NobodyHandlesThis")

    received = RELAYED + RELAYED_TOO + 1  # and the unhandled one
    text, values, types = wait_for(
        "the reports of the exchange",
        lambda v: value(v, "cm_process_messages_received_total", name="sink", host=socket.gethostname()) == received
        and value(v, "cm_process_messages_sent_total", name=HOSTILE, host=socket.gethostname()) == RELAYED + 1
        and value(v, "cm_connect_messages_total", **{"from": NOT_UTF8_LABEL, "to": "sink"}) == RELAYED_TOO)
    host = socket.gethostname()

    # Escaped in the text as the format says, and read back by the parser as the name.
    check("a\"b\\c written escaped", 'name="a\\"b\\\\c"' in text, True)
    check("the byte that is not UTF-8 written as \\xff", 'name="bad\\\\xffname"' in text, True)
    check("sent by a\"b\\c (its messages and the Relayed answer)",
          value(values, "cm_process_messages_sent_total", name=HOSTILE, host=host), RELAYED + 1)
    check("sent by bad\\xffname",
          value(values, "cm_process_messages_sent_total", name=NOT_UTF8_LABEL, host=host), RELAYED_TOO + 1)
    check("received by sink", value(values, "cm_process_messages_received_total", name="sink", host=host), received)
    check("dropped by sink: unhandled",
          value(values, "cm_process_messages_dropped_total", name="sink", host=host, reason="unhandled"), 1)
    check("dropped by sink: lost",
          value(values, "cm_process_messages_dropped_total", name="sink", host=host, reason="lost"), 0)
    check("a\"b\\c -> sink", value(values, "cm_connect_messages_total", **{"from": HOSTILE, "to": "sink"}), RELAYED)
    check("bad\\xffname -> sink",
          value(values, "cm_connect_messages_total", **{"from": NOT_UTF8_LABEL, "to": "sink"}), RELAYED_TOO)
    check("sink -> anyone", [k for k in values if k[0] == "cm_connect_messages_total" and ("from", "sink") in k[1]],
          [])
    check("queue depth of sink", value(values, "cm_process_queue_depth", name="sink", host=host), 0)
    age = value(values, "cm_process_report_age_seconds", name="sink", host=host)
    check("report age of sink is a time", age is not None and 0 <= age < 3600, True)

    check("registrations", value(values, "cm_nameserver_registrations_total"), 3)
    check("NSRegister requests", value(values, "cm_nameserver_requests_total", type="NSRegister"), 3)
    check("names", value(values, "cm_nameserver_names"), 3)
    check("malformed frames", value(values, "cm_nameserver_malformed_frames_total"), 0)
    check("pairs", value(values, "cm_nameserver_connect_pairs"), 2)
    # The histogram: cumulative buckets, +Inf the count, for every type.
    count = value(values, "cm_nameserver_request_duration_seconds_count", type="NSRegister")
    check("NSRegister latencies counted", count, 3)
    buckets = sorted((float(dict(k[1])["le"]), v) for k, v in values.items()
                     if k[0] == "cm_nameserver_request_duration_seconds_bucket" and dict(k[1])["type"] == "NSRegister")
    check("buckets never decrease", all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), True)
    check("+Inf bucket is the count", buckets[-1], (float("inf"), count))
    check("family types", (types.get("cm_nameserver_request_duration_seconds"), types.get("cm_process_queue_depth"),
                           types.get("cm_connect_messages")), ("histogram", "gauge", "counter"))

    if HAS_HTTP:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % HTTP_PORT, timeout=10) as response:
            web_values, _ = samples(response.read().decode())
        for key in [("cm_connect_messages_total", (("from", HOSTILE), ("to", "sink"))),
                    ("cm_process_messages_received_total", (("host", host), ("name", "sink"))),
                    ("cm_nameserver_registrations_total", ())]:
            check("/metrics over HTTP: %s %s" % key, web_values.get(key), values.get(key))
    else:
        print("note: this CmNameServer has no --http: /metrics not checked")
finally:
    for p in reversed(children):
        p.kill()
        p.wait()

if failures:
    sys.exit("FAIL: %d checks: %s" % (len(failures), "; ".join(failures)))
print("PASS")
