#!/usr/bin/env python3
"""PostgreSQL killed with kill -9 under a stream of idempotent batches, against a real server.

Run by scripts/lib/outage.sh, which starts a cluster of its own, migrates and seeds it; this script starts the server
(`OUTAGE_BIN serve`) so that it can watch it end. Four senders push one-minute buckets, each
batch under its own Idempotency-Key; the cluster is killed mid-stream and restarted after OUTAGE_SECONDS. Checks:
every request is answered within the documented wait (no request left hanging); every failure is a 503 with
Retry-After (never a 500); a 503 met mid-request says the outcome is unknown; after the retries every batch is stored
exactly once (no loss, no duplicate); and SIGTERM ends the server within its bounded drain even with a request
waiting on a dead database.
"""
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

BASE = os.environ["OUTAGE_URL"]
TOKEN = os.environ["OUTAGE_TOKEN"]
OBJECTIVE = os.environ["OUTAGE_OBJECTIVE"]
BATCHES = int(os.environ.get("OUTAGE_BATCHES", "400"))
OUTAGE_SECONDS = float(os.environ.get("OUTAGE_SECONDS", "15"))
BIN = os.environ["OUTAGE_BIN"]
DRAIN_SECONDS = float(os.environ["ACCORD_DRAIN_SECONDS"])
# the longest an answer may take: the wait for a connection, plus room for a slow machine
ANSWER_LIMIT = float(os.environ["ACCORD_DB_WAIT_SECONDS"]) + 25


def helper(name, *args):
    return subprocess.run(
        ["bash", "-c", 'source scripts/lib/postgres.sh; source scripts/lib/outage.sh; "$@"', "outage", name, *args],
        check=True, capture_output=True, text=True).stdout.strip()


def kill_cluster():
    helper("outage_kill_cluster")


def start_cluster():
    helper("outage_start_cluster")


def start_server(log):
    server = subprocess.Popen([BIN, "serve"], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2):
                return server
        except Exception:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


STARTED = time.time()
FIRST = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(days=20)


def body(n):
    start = FIRST + timedelta(minutes=n)
    end = start + timedelta(minutes=1)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"source": "outage", "buckets": [{"start": stamp(start), "end": stamp(end), "good": 99, "valid": 100}]}).encode()


def send(n):
    request = urllib.request.Request(
        f"{BASE}/api/v1/objectives/{OBJECTIVE}/measurements", data=body(n), method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Idempotency-Key": f"outage-{n}"})
    began = time.monotonic()
    at = f"{time.time() - STARTED:.1f}"
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_LIMIT + 30) as response:
            return {"n": n, "status": response.status, "seconds": time.monotonic() - began, "retry_after": None, "text": "", "sent_at": at}
    except urllib.error.HTTPError as error:
        return {"n": n, "status": error.code, "seconds": time.monotonic() - began, "retry_after": error.headers.get("Retry-After"),
                "text": error.read().decode(errors="replace"), "sent_at": at}
    except Exception as error:  # no answer at all: a connection reset or a timeout
        return {"n": n, "status": None, "seconds": time.monotonic() - began, "retry_after": None, "text": repr(error), "sent_at": at}


def main():
    log = open(os.environ.get("OUTAGE_LOG", "/dev/null"), "w")
    server = start_server(log)
    failures = []
    outcomes = []
    lock = threading.Lock()

    def outage():
        time.sleep(1.5)
        kill_cluster()
        print(f"  PostgreSQL killed (kill -9) at {time.time() - STARTED:.1f} s; restarting in {OUTAGE_SECONDS:.0f} s")
        time.sleep(OUTAGE_SECONDS)
        start_cluster()
        print(f"  PostgreSQL restarted at {time.time() - STARTED:.1f} s")

    killer = threading.Thread(target=outage)
    killer.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for outcome in pool.map(send, range(BATCHES)):
            with lock:
                outcomes.append(outcome)
    killer.join()

    unanswered = [o for o in outcomes if o["status"] is None or o["seconds"] > ANSWER_LIMIT]
    errors = [o for o in outcomes if o["status"] is not None and o["status"] >= 500]
    if unanswered:
        failures.append(f"{len(unanswered)} request(s) not answered within {ANSWER_LIMIT:.0f} s: {unanswered[:3]}")
    for o in errors:
        if o["status"] != 503 or not o["retry_after"]:
            failures.append(f"batch {o['n']}: {o['status']} without Retry-After: {o['text'][:300]}")
    lost = [o for o in errors if "unknown" in o["text"]]
    print(f"  {len(outcomes)} batches: {sum(1 for o in outcomes if o['status'] == 201)} stored at once, {len(errors)} answered 503 "
          f"({len(lost)} mid-request, outcome unknown), slowest answer {max(o['seconds'] for o in outcomes):.1f} s")

    # retries with the same keys until every batch is stored once
    pending = [o["n"] for o in outcomes if o["status"] not in (200, 201)]
    deadline = time.monotonic() + 120
    while pending and time.monotonic() < deadline:
        retried = [send(n) for n in pending]
        pending = [o["n"] for o in retried if o["status"] not in (200, 201)]
        if pending:
            time.sleep(1)
    if pending:
        failures.append(f"{len(pending)} batch(es) never stored after the database came back")

    # every batch once
    stored = helper("outage_psql", "SELECT count(*), count(DISTINCT bucket_start), coalesce(sum(valid), 0) FROM measurements WHERE source = 'outage'")
    rows, distinct, valid = (int(float(x)) for x in stored.split("|"))
    if (rows, distinct, valid) != (BATCHES, BATCHES, BATCHES * 100):
        failures.append(f"stored {rows} rows ({distinct} distinct minutes, valid {valid}); expected {BATCHES} once each")
    else:
        print(f"  after retries: {rows} buckets stored, each once")

    # SIGTERM while a request waits on a dead database: the process ends within its drain
    kill_cluster()
    waiting = concurrent.futures.ThreadPoolExecutor(max_workers=1).submit(send, BATCHES + 1)
    time.sleep(0.5)
    began = time.monotonic()
    server.send_signal(signal.SIGTERM)
    limit = DRAIN_SECONDS + 5 + 10
    try:
        server.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        failures.append(f"the server was still running {limit:.0f} s after SIGTERM")
        server.kill()
    print(f"  SIGTERM with a request in flight: the server ended after {time.monotonic() - began:.1f} s")
    waiting.result(timeout=60)
    start_cluster()

    if failures:
        for failure in failures:
            print(f"FAIL: {failure}", file=sys.stderr)
        sys.exit(1)
    print("Outage check passed.")


if __name__ == "__main__":
    main()
