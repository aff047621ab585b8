#!/usr/bin/env python3
"""Accord benchmarks, run by scripts/bench against a release server it started on a private cluster.

Each benchmark measures Accord and its baseline side by side in the same run and prints the ratio:
  ingest     1,000,000 minute buckets through POST .../measurements as CSV in batches, one and then two in flight, each
             against psql \\copy of the same rows; then bytes on disk per bucket, a month summarised as the retention job
             does it, and (after the live benchmark) a year of 5,000 objectives projected with the default retention
  read cost  the dashboard and the periods API for 20 objectives with 12 months of minute buckets, against 20 with 1 month
  dashboard  /dashboard with 200 objectives under wrk, against /diagnostics/baseline (one query of 12 rows, same templates)
  live       5,000 objectives, a minute bucket a minute on every one arriving through the API while wrk reads the
             dashboard's first page, against the baseline page under the same feed; then the idle scheduler's CPU (the
             server and PostgreSQL together) per 1,000 series

Environment: BENCH_ROWS (1,000,000), BENCH_BATCH (50,000), BENCH_CONCURRENCY (2 batches in flight while loading the
read benchmark's history), BENCH_WRK_SECONDS (15),
BENCH_LIVE_OBJECTIVES (5,000), BENCH_IDLE_SECONDS (60); BENCH_ONLY=ingest to stop after the ingest benchmark, BENCH_ONLY=read
to skip it, BENCH_ONLY=live for the live benchmark alone.
"""
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = os.environ["BENCH_BASE"]
TOKEN = os.environ["BENCH_TOKEN"]
PSQL = os.environ["BENCH_PSQL"].split()
PASSWORD = "bench-password-123"
BATCH = int(os.environ.get("BENCH_BATCH", "50000"))
TOTAL = int(os.environ.get("BENCH_ROWS", "1000000"))
WRK_SECONDS = os.environ.get("BENCH_WRK_SECONDS", "15")
# batches in flight at once, as a monitoring tool with two senders would push them (one per core here)
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))


def api(method, path, body=None, token=TOKEN, content_type="application/json", raw=None, key=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    if key is not None:
        request.add_header("Idempotency-Key", key)
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def ok(method, path, body=None):
    status, text = api(method, path, body)
    if status >= 300:
        sys.exit(f"{method} {path} answered {status}: {text[:400]!r}")
    return json.loads(text) if text else None


def psql(sql):
    return subprocess.run(PSQL + ["-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def iso(instant):
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def minute_rows(start, minutes, seed):
    """Deterministic minute buckets: about 99.95 % good."""
    rows = []
    state = seed
    for index in range(minutes):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        valid = 50 + (state >> 40) % 50
        bad = 1 if (state >> 20) % 40 == 0 else 0
        begin = start + dt.timedelta(minutes=index)
        rows.append((iso(begin), iso(begin + dt.timedelta(minutes=1)), valid - bad, valid))
    return rows


def csv_body(rows):
    return ("start,end,good,valid\n" + "".join(f"{s},{e},{g},{v}\n" for s, e, g, v in rows)).encode()


def login(email):
    """A browser session: its cookie header, for the dashboard requests and wrk."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(BASE + "/login").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_csrf": token, "email": email, "password": PASSWORD}).encode()
    opener.open(BASE + "/login", data=form)
    jar = [h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)][0].cookiejar
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar if "session" in c.name)
    if not cookie:
        sys.exit(f"could not sign in as {email}")
    return cookie


def get_page(path, cookie):
    request = urllib.request.Request(BASE + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")
        return body


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


# --- the bench organisation, built through the API ------------------------------------------------------------------

def build_organisation():
    service = ok("POST", "/api/v1/services", {"name": "Bench service"})
    vendors = {key: ok("POST", "/api/v1/vendors", {"name": f"Bench {key}"}) for key in ("one-month", "twelve-months", "portfolio")}
    for key, vendor in vendors.items():
        ok("POST", "/api/v1/users", {"email": f"{key}@bench.example", "name": f"Bench {key}", "role": "vendor", "vendor_id": vendor["id"], "password": PASSWORD})
    ok("POST", "/api/v1/users", {"email": "manager@bench.example", "name": "Bench manager", "role": "contract_manager", "password": PASSWORD})

    def agreement(kind, title, vendor=None, master=None):
        """A draft vendor SLA with one availability objective: (objective id, agreement)."""
        body = {"kind": kind, "title": title, "service_id": service["id"], "start_date": "2025-01-01", "fee": 1000}
        if kind == "vendor":
            body.update({"vendor_id": vendor["id"], "master_id": master["id"], "dependency_kind": "serial"})
        created = ok("POST", "/api/v1/agreements", body)
        objective = ok("POST", f"/api/v1/agreements/{created['id']}/versions/1/objectives", {
            "name": "Availability", "sli_kind": "ratio", "sla_target": 99.9, "slo_target": 99.95, "window_kind": "calendar_month",
            "credit_tiers": [{"threshold": 99.9, "percent": 10}], "credit_cap_percent": 30, "probation_factor": 1})
        return objective["id"], created

    master = ok("POST", "/api/v1/agreements", {"kind": "master", "title": "Bench master", "service_id": service["id"], "start_date": "2025-01-01"})
    ok("POST", f"/api/v1/agreements/{master['id']}/versions/1/objectives", {
        "name": "Availability", "sli_kind": "ratio", "sla_target": 99.5, "slo_target": 99.7, "window_kind": "calendar_month"})
    ok("POST", f"/api/v1/agreements/{master['id']}/status", {"status": "active", "row_version": master["row_version"]})
    one = [agreement("vendor", f"One month {i}", vendors["one-month"], master) for i in range(20)]
    twelve = [agreement("vendor", f"Twelve months {i}", vendors["twelve-months"], master) for i in range(20)]
    rest = [agreement("vendor", f"Portfolio {i}", vendors["portfolio"], master) for i in range(159)]
    return one, twelve, rest


def activate(agreements):
    """Measurements arrive before periods close, as they do live: the agreements go active once the data is in."""
    for _, created in agreements:
        ok("POST", f"/api/v1/agreements/{created['id']}/status", {"status": "active", "row_version": created["row_version"]})


def wait_for_closing(objectives):
    ids = ",".join(str(o) for o in objectives)
    deadline = time.time() + 180
    while time.time() < deadline:
        recorded = int(psql(f"SELECT count(DISTINCT r.series_id) FROM period_results r JOIN objectives o ON o.series_id = r.series_id WHERE o.id IN ({ids})"))
        if recorded == len(objectives) and psql("SELECT count(*) FROM recompute_requests") == "0":
            return
        time.sleep(1)
    sys.exit("the scheduler did not record the periods in time")


# --- benchmarks -------------------------------------------------------------------------------------------------------

def bench_ingest(objective, concurrency, source, copy_series):
    """`TOTAL` minute buckets from 2024 as CSV batches through the API, `concurrency` in flight, from `source`; then the
    same rows through psql \\copy into the same table under series `copy_series`. Prints both and their ratio."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    rows = minute_rows(start, TOTAL, seed=7)
    bodies = [csv_body(rows[i:i + BATCH]) for i in range(0, len(rows), BATCH)]
    def send(numbered):
        number, body = numbered
        status, text = api("POST", f"/api/v1/objectives/{objective}/measurements?source={source}", raw=body, content_type="text/csv")
        if status != 201:
            sys.exit(f"batch {number} answered {status}: {text[:300]!r}")
    server, postmaster = int(os.environ["BENCH_SERVER_PID"]), int(os.environ["BENCH_PG_PID"])
    cpu_before = cpu_seconds([server]), cpu_seconds(cluster_pids(postmaster))
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, enumerate(bodies)))
    api_seconds = time.perf_counter() - began
    # where a batch's time goes: the server's CPU and PostgreSQL's (every backend) beside the wall time
    server_cpu = cpu_seconds([server]) - cpu_before[0]
    database_cpu = cpu_seconds(cluster_pids(postmaster)) - cpu_before[1]
    # the baseline: the same rows straight into the same partitioned table, under another series
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as file:
        for s, e, g, v in rows:
            file.write(f"{copy_series},bench-copy,0,{s},{e},{g},{v}\n")
        path = file.name
    os.chmod(path, 0o644)
    began = time.perf_counter()
    subprocess.run(PSQL + ["-c", f"\\copy measurements (series_id, source, batch_id, bucket_start, bucket_end, good, valid) FROM '{path}' CSV"],
                   check=True, capture_output=True)
    copy_seconds = time.perf_counter() - began
    os.unlink(path)
    stored = int(psql(f"SELECT count(*) FROM measurements WHERE source = '{source}' "
                      f"AND series_id = (SELECT series_id FROM objectives WHERE id = {objective})"))
    assert stored == TOTAL, f"stored {stored} of {TOTAL}"
    ratio = copy_seconds / api_seconds
    goal = " (goal >= 0.9 with one batch in flight)" if concurrency == 1 else ""
    print(f"ingest: {TOTAL:,} buckets in {len(bodies)} CSV batches of {BATCH:,}, {concurrency} in flight: API {api_seconds:.1f} s ({TOTAL / api_seconds:,.0f} rows/s); "
          f"psql \\copy {copy_seconds:.1f} s ({TOTAL / copy_seconds:,.0f} rows/s); ratio (API throughput / copy) = {ratio:.2f}{goal}")
    print(f"ingest: per batch {api_seconds / len(bodies) * 1000:.0f} ms wall, server CPU {server_cpu / len(bodies) * 1000:.0f} ms, "
          f"PostgreSQL CPU {database_cpu / len(bodies) * 1000:.0f} ms; psql \\copy {copy_seconds / len(bodies) * 1000:.0f} ms for as many rows", flush=True)
    return ratio


# a year of minutes, and the fleet the storage aim is stated for
YEAR_MINUTES = 525_600
FLEET = 5_000
# raw buckets are kept 62 days after their month ends (ACCORD_RAW_RETENTION_DAYS' default): 62 to 93 days, 77.5 on average
RETAINED_DAYS = 62 + 31 / 2


def storage_cost():
    """Bytes on disk per stored minute bucket (the partitions, the hourly rollup, indexes included) after vacuum; then a
    month summarised as the raw-retention job does it, and the bytes its batches' hourly digests take. Returns the bytes
    per raw bucket, per bucket of rollup, and per digest row."""
    psql("VACUUM ANALYZE measurements")
    raw, hours, lineage, buckets = (int(float(x or 0)) for x in psql(
        "SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('measurements')), "
        "pg_total_relation_size('measurement_hours'), pg_total_relation_size('measurement_batches'), "
        "(SELECT count(*) FROM measurements)").split("|"))
    per = (raw + hours + lineage) / max(buckets, 1)
    print(f"storage: {per:,.1f} bytes per stored minute bucket over {buckets:,} (raw {raw / buckets:,.1f}, hourly rollup {hours / buckets:,.1f}, "
          f"lineage {lineage / buckets:,.1f}, indexes included); kept raw for a year, {FLEET:,} objectives at one bucket a minute would take "
          f"{per * YEAR_MINUTES * FLEET / 1e9:,.0f} GB")
    # the retention job's work on one month of the benchmark's data (January 2024), measured
    before = int(float(psql("SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('measurements')") or 0))
    dropped, kept, digests = (int(x) for x in psql("SELECT array_to_string(accord_summarise_measurement_month('2024-01-01', '{}'), '|')").split("|"))
    psql("VACUUM ANALYZE measurement_batch_hours")
    after = int(float(psql("SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('measurements')") or 0))
    digest_bytes = int(float(psql("SELECT pg_total_relation_size('measurement_batch_hours')") or 0))
    per_digest = digest_bytes / max(digests, 1)
    print(f"storage: retention summarised January 2024: {dropped:,} raw buckets dropped ({(before - after) / 1e6:,.1f} MB freed), {kept:,} kept, "
          f"{digests:,} hourly batch digests of {per_digest:,.0f} bytes each")
    return raw / buckets, hours / buckets, per_digest


def year_projection(raw_per_bucket, rollup_per_bucket, per_digest, lineage_per_batch, per_key):
    """A year of FLEET objectives at one bucket a minute, pushed one batch a minute each, with the default retention:
    raw buckets for RETAINED_DAYS, the rollup for the year, the lineage (each batch's record for the two days before the
    lineage-compaction job makes one record of each hour's batches, then a record an hour), each hour record's digest
    once its month is summarised, and a day of idempotency keys. Without compaction every batch would keep its record
    and its digest: that figure is printed beside it."""
    hours = FLEET * YEAR_MINUTES / 60
    raw = raw_per_bucket * FLEET * 1440 * RETAINED_DAYS
    rollup = rollup_per_bucket * FLEET * YEAR_MINUTES
    lineage = lineage_per_batch * FLEET * 1440 * 2 + lineage_per_batch * hours
    digests = per_digest * hours * (1 - RETAINED_DAYS / 365)
    keys = per_key * FLEET * 1440
    total = raw + rollup + lineage + digests + keys
    uncompacted = raw + rollup + keys + (lineage_per_batch + per_digest * (1 - RETAINED_DAYS / 365)) * FLEET * YEAR_MINUTES
    print(f"storage: a year of {FLEET:,} objectives at one bucket a minute, one batch a minute each, default retention: {total / 1e9:,.0f} GB "
          f"(raw buckets of {RETAINED_DAYS:.1f} days {raw / 1e9:,.0f}, hourly rollup {rollup / 1e9:,.1f}, lineage compacted by the hour "
          f"{lineage / 1e9:,.1f}, hourly digests of dropped months {digests / 1e9:,.1f}, idempotency keys {keys / 1e9:,.1f}); "
          f"aim 100 GB; without lineage compaction {uncompacted / 1e9:,.0f} GB")


def load_months(objectives, months, seed):
    """Minute buckets for the `months` × 30 days (and 5 more for a year) up to five minutes ago: whole months of data,
    whatever the day of the month the benchmark runs on."""
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    first = now - dt.timedelta(days=365 if months == 12 else 30 * months)

    def load(numbered):
        index, objective = numbered
        cursor = first
        while cursor < now - dt.timedelta(minutes=5):
            following = (cursor + dt.timedelta(days=32)).replace(day=1)
            end = min(following, now - dt.timedelta(minutes=5))
            minutes = int((end - cursor).total_seconds() // 60)
            if minutes > 0:
                status, text = api("POST", f"/api/v1/objectives/{objective}/measurements?source=probe",
                                   raw=csv_body(minute_rows(cursor, minutes, seed + index)), content_type="text/csv")
                if status != 201:
                    sys.exit(f"load answered {status}: {text[:300]!r}")
            cursor = following
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(load, enumerate(objectives)))


def uncached(cookie):
    """The dashboard computed afresh: the structure counter is moved first (as a change of what places objectives does),
    so every row is matched again. (A vendor's description no longer does: an edit re-matches only what it can change.)"""
    psql("UPDATE dashboard_state SET structure_version = structure_version + 1")
    started = time.perf_counter()
    get_page("/dashboard", cookie)
    return time.perf_counter() - started


def bench_read(one, twelve):
    cookie_one = login("one-month@bench.example")
    cookie_twelve = login("twelve-months@bench.example")
    for cookie in (cookie_one, cookie_twelve):
        get_page("/dashboard", cookie)
    dash_one = statistics.median(uncached(cookie_one) for _ in range(30))
    dash_twelve = statistics.median(uncached(cookie_twelve) for _ in range(30))
    periods_one = timed(lambda: [api("GET", f"/api/v1/objectives/{o}/periods") for o in one], 5) / len(one)
    periods_twelve = timed(lambda: [api("GET", f"/api/v1/objectives/{o}/periods") for o in twelve], 5) / len(twelve)
    rows_one = psql(f"SELECT count(*) FROM measurements m JOIN objectives o ON o.series_id = m.series_id WHERE o.id = ANY(ARRAY{one})")
    rows_twelve = psql(f"SELECT count(*) FROM measurements m JOIN objectives o ON o.series_id = m.series_id WHERE o.id = ANY(ARRAY{twelve})")
    dash_ratio = dash_twelve / dash_one
    periods_ratio = periods_twelve / periods_one
    print(f"read cost: dashboard of 20 objectives computed afresh (cache invalidated before each), median of 30: {dash_twelve * 1000:.1f} ms with 12 months ({int(rows_twelve):,} buckets) "
          f"vs {dash_one * 1000:.1f} ms with 1 month ({int(rows_one):,} buckets): ratio {dash_ratio:.2f} (goal <= 1.2)")
    print(f"read cost: periods API per objective, median of 5 rounds of 20: {periods_twelve * 1000:.2f} ms (12 months) vs "
          f"{periods_one * 1000:.2f} ms (1 month): ratio {periods_ratio:.2f} (goal <= 1.2)")
    return dash_ratio, periods_ratio


def wrk(path, cookie):
    output = subprocess.run(["wrk", "-t2", "-c8", f"-d{WRK_SECONDS}s", "--latency", "-H", f"Cookie: {cookie}", BASE + path],
                            check=True, capture_output=True, text=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        sys.exit(f"wrk {path}: {non2xx.group(1)} failed responses")
    p50 = re.search(r"50%\s+(\S+)", output).group(1)
    return requests, p50


def bench_dashboard():
    cookie = login("manager@bench.example")
    body = get_page("/dashboard", cookie).decode()
    shown = body.count('class="spark"')
    baseline_rps, baseline_p50 = wrk("/diagnostics/baseline", cookie)
    dashboard_rps, dashboard_p50 = wrk("/dashboard", cookie)
    ratio = dashboard_rps / baseline_rps
    print(f"dashboard: {shown} objectives under wrk (2 threads, 8 connections, {WRK_SECONDS} s): {dashboard_rps:,.0f} req/s (p50 {dashboard_p50}) "
          f"vs baseline page {baseline_rps:,.0f} req/s (p50 {baseline_p50}): ratio {ratio:.3f} (goal >= 0.5)")
    return ratio


# --- the live benchmark: a fleet of objectives under a feed ------------------------------------------------------------

LIVE_OBJECTIVES = int(os.environ.get("BENCH_LIVE_OBJECTIVES", "5000"))
IDLE_SECONDS = int(os.environ.get("BENCH_IDLE_SECONDS", "60"))


def build_fleet(count):
    """`count` objectives in 50 vendor SLAs (written with SQL into the drafts' first versions, then activated through the
    API): the objective ids."""
    service = ok("POST", "/api/v1/services", {"name": "Fleet service"})
    vendor = ok("POST", "/api/v1/vendors", {"name": "Fleet vendor"})
    master = ok("POST", "/api/v1/agreements", {"kind": "master", "title": "Fleet master", "service_id": service["id"], "start_date": "2025-01-01"})
    ok("POST", f"/api/v1/agreements/{master['id']}/versions/1/objectives", {
        "name": "Availability", "sli_kind": "ratio", "sla_target": 99.5, "slo_target": 99.7, "window_kind": "calendar_month"})
    ok("POST", f"/api/v1/agreements/{master['id']}/status", {"status": "active", "row_version": master["row_version"]})
    agreements = []
    per = max(1, count // 50)
    for index in range(50):
        created = ok("POST", "/api/v1/agreements", {
            "kind": "vendor", "title": f"Fleet SLA {index:02d}", "service_id": service["id"], "start_date": "2025-01-01", "fee": 1000,
            "vendor_id": vendor["id"], "master_id": master["id"], "dependency_kind": "serial"})
        psql(f"""INSERT INTO objectives (version_id, name, sli_kind, sla_target, slo_target, window_kind, credit_tiers, credit_cap_percent)
                 SELECT av.id, 'Node ' || lpad(g::text, 5, '0') || ' availability', 'ratio', 99.9, 99.95, 'calendar_month',
                        '[{{"threshold": 99.9, "percent": 10}}]', 30
                 FROM agreement_versions av, generate_series({index * per + 1}, {(index + 1) * per}) g
                 WHERE av.agreement_id = {created['id']} AND av.number = 1""")
        agreements.append(created)
    for created in agreements:
        current = ok("GET", f"/api/v1/agreements/{created['id']}")
        ok("POST", f"/api/v1/agreements/{created['id']}/status", {"status": "active", "row_version": current["row_version"]})
    ids = psql(f"SELECT string_agg(o.id::text, ',') FROM objectives o JOIN agreement_versions av ON av.id = o.version_id "
               f"JOIN agreements a ON a.id = av.agreement_id WHERE a.title LIKE 'Fleet SLA %'")
    return [int(i) for i in ids.split(",")]


class Feed:
    """Posts one minute bucket a minute on every objective, spread evenly over the minute, from 8 threads."""

    def __init__(self, ids):
        import threading
        self.ids = ids
        self.stop = threading.Event()
        self.sent = 0
        self.failed = 0
        self.queued = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def pending(self):
        with self.lock:
            return self.queued - self.sent - self.failed

    def post(self, objective, minute, seed):
        body = {"source": "feed", "buckets": [{"start": iso(minute), "end": iso(minute + dt.timedelta(minutes=1)),
                                               "good": 1000 - (seed % 3), "valid": 1000}]}
        try:
            # as a monitoring tool pushes: each post under its own key, so a retry is safe
            status, _ = api("POST", f"/api/v1/objectives/{objective}/measurements", body, key=f"feed-{objective}-{iso(minute)}")
            good = status == 201
        except Exception:
            good = False
        with self.lock:
            if good:
                self.sent += 1
            else:
                self.failed += 1

    def run(self):
        pool = ThreadPoolExecutor(8)
        interval = 60.0 / len(self.ids)
        started = time.time()
        # cycle c sends every objective the minute (start - 5 min + c): one new bucket a minute each, never overlapping
        first = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
        index = 0
        while not self.stop.is_set():
            delay = started + index * interval - time.time()
            if delay > 0:
                time.sleep(delay)
            # at most 64 posts waiting: a server that cannot keep up slows the feed (the rate printed is what arrived)
            while self.pending() > 64 and not self.stop.is_set():
                time.sleep(0.01)
            cycle, position = divmod(index, len(self.ids))
            with self.lock:
                self.queued += 1
            pool.submit(self.post, self.ids[position], first + dt.timedelta(minutes=cycle), index)
            index += 1
        pool.shutdown(wait=True)

    def start(self):
        self.started = time.time()
        self.thread.start()

    def finish(self):
        self.stop.set()
        self.thread.join()
        return self.sent / (time.time() - self.started)


def cpu_seconds(pids):
    """User and system CPU seconds of these processes (and, for the first, of nothing else), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / ticks


def cluster_pids(postmaster):
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                if int(fields[1]) == postmaster:
                    children.append(int(entry))
            except OSError:
                pass
    return [postmaster] + children


def bench_live():
    ids = build_fleet(LIVE_OBJECTIVES)
    cookie = login("manager@bench.example")
    started = time.perf_counter()
    first = get_page("/dashboard", cookie).decode()
    print(f"live: {len(ids):,} objectives in force; the first dashboard view matched their rows in {time.perf_counter() - started:.1f} s", flush=True)
    # an edit re-matches only the rows it can change: the next view after a vendor's description edit, and after its rename
    vendor = ok("GET", "/api/v1/vendors?q=Fleet%20vendor")["items"][0]
    edited = ok("PATCH", f"/api/v1/vendors/{vendor['id']}", {"description": "Edited by the benchmark", "row_version": vendor["row_version"]})
    started = time.perf_counter()
    get_page("/dashboard", cookie)
    after_description = time.perf_counter() - started
    ok("PATCH", f"/api/v1/vendors/{vendor['id']}", {"name": "Fleet vendor (renamed)", "row_version": edited["row_version"]})
    started = time.perf_counter()
    get_page("/dashboard", cookie)
    after_rename = time.perf_counter() - started
    print(f"live: the next dashboard view at {len(ids):,} objectives after a vendor's description edit {after_description * 1000:.0f} ms, "
          f"after its rename (its rows rewritten in place) {after_rename * 1000:.0f} ms (aim < 50 ms)", flush=True)
    feed = Feed(ids)
    feed.start()
    time.sleep(20)
    baseline_rps, baseline_p50 = wrk("/diagnostics/baseline", cookie)
    dashboard_rps, dashboard_p50 = wrk("/dashboard", cookie)
    rate = feed.finish()
    # what a live feed costs per batch beside its data: each post's lineage record and its idempotency key
    batches, lineage, keys, key_rows = (int(float(x or 0)) for x in psql(
        "SELECT (SELECT count(*) FROM measurement_batches), pg_total_relation_size('measurement_batches'), "
        "pg_total_relation_size('idempotency_keys'), (SELECT count(*) FROM idempotency_keys)").split("|"))
    per_batch = lineage / max(batches, 1)
    per_key = keys / max(key_rows, 1) if key_rows else 0
    print(f"live: per batch beside its data {per_batch:,.0f} bytes of lineage ({batches:,} batches); idempotency keys "
          f"{per_key:,.0f} bytes each ({key_rows:,} kept, purged after 24 h); a year of one batch a minute per objective for {FLEET:,} objectives: "
          f"{per_batch * YEAR_MINUTES * FLEET / 1e9:,.0f} GB of lineage", flush=True)
    shown = get_page("/dashboard", cookie).decode().count('class="spark"')
    ratio = dashboard_rps / baseline_rps
    print(f"live: dashboard's first page ({shown} rows of {len(ids):,} objectives) under a feed of {rate:.1f} posts/s ({feed.failed} failed): "
          f"{dashboard_rps:,.0f} req/s (p50 {dashboard_p50}) vs baseline page under the same feed {baseline_rps:,.0f} req/s (p50 {baseline_p50}): "
          f"ratio {ratio:.3f} (goal >= 0.5)")
    # idle: the feed stopped; wait until the work it left is done (alerts due, rows stale), then the scheduler's cost over
    # a quiet minute
    deadline = time.time() + 1200
    while time.time() < deadline:
        due = int(psql("SELECT count(*) FROM series_schedule WHERE alerts_due_at <= now()"))
        stale = int(psql("SELECT count(*) FROM dashboard_rows d LEFT JOIN series_versions v ON v.series_id = d.series_id "
                         "WHERE d.source_version < coalesce(v.version, 0)"))
        # and the monthly statements the closed periods left (due ten minutes after the last of them, issued once by the
        # statement-issue job): the quiet minute measures a scheduler with nothing left to do
        statements = int(psql("SELECT count(*) FROM statements_due"))
        if due == 0 and stale == 0 and statements == 0:
            break
        time.sleep(5)
    time.sleep(10)
    scrape_size, scrape_series, scrape_p50, page_p50 = bench_scrape(cookie)
    print(f"live: /metrics at {series_count():,} series: {scrape_size / 1024:,.0f} KiB, {scrape_series:,} samples, scraped in {scrape_p50 * 1000:.0f} ms (p50 of 5) "
          f"vs the baseline page {page_p50 * 1000:.0f} ms: ratio {scrape_p50 / page_p50:.1f}", flush=True)
    server = int(os.environ["BENCH_SERVER_PID"])
    postmaster = int(os.environ["BENCH_PG_PID"])
    pids = cluster_pids(postmaster)
    before = cpu_seconds([server]) + cpu_seconds(pids)
    time.sleep(IDLE_SECONDS)
    pids = cluster_pids(postmaster)
    after = cpu_seconds([server]) + cpu_seconds(pids)
    series = int(psql("SELECT count(*) FROM dashboard_rows"))
    share = (after - before) / IDLE_SECONDS * 100
    per_thousand = share / (series / 1000)
    print(f"live: idle scheduler with {series:,} series: {share:.2f} % of a core over {IDLE_SECONDS} s (server and PostgreSQL), "
          f"{per_thousand:.2f} % per 1,000 series (aim < 2 %)")
    return ratio, per_thousand, per_batch, per_key


def series_count():
    return int(psql("SELECT count(*) FROM dashboard_rows"))


def bench_scrape(cookie):
    """The /metrics scrape Prometheus makes: its size, its samples and its time, against the baseline page."""
    token = os.environ["ACCORD_METRICS_TOKEN"]

    def scrape():
        request = urllib.request.Request(BASE + "/metrics", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()

    body = scrape()
    samples = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
    return len(body), samples, timed(scrape, 5), timed(lambda: get_page("/diagnostics/baseline", cookie), 5)


def main():
    if os.environ.get("BENCH_ONLY") == "live":
        ok("POST", "/api/v1/users", {"email": "manager@bench.example", "name": "Bench manager", "role": "contract_manager", "password": PASSWORD})
        ratio, idle, _, _ = bench_live()
        print(f"summary: live={ratio:.3f}, idle_per_1000={idle:.2f}")
        return
    one, twelve, rest = build_organisation()
    results = {}
    # the ingest objective is a draft: its history is open, as a live feed's current period is
    if os.environ.get("BENCH_ONLY") != "read":
        results["ingest"] = bench_ingest(rest[0][0], 1, "bench", 900000001)
        results["ingest_2"] = bench_ingest(rest[0][0], 2, "bench-2", 900000002)
        storage = storage_cost()
    if os.environ.get("BENCH_ONLY") == "ingest":
        print("summary: " + ", ".join(f"{key}={value:.3f}" for key, value in results.items()))
        return
    print("read cost: loading 1 month of minute buckets for 20 objectives and 12 months for 20 others...", flush=True)
    load_months([o for o, _ in one], 1, 100)
    load_months([o for o, _ in twelve], 12, 200)
    activate(one + twelve + rest)
    wait_for_closing([o for o, _ in one + twelve])
    results["read_dashboard"], results["read_periods"] = bench_read([o for o, _ in one], [o for o, _ in twelve])
    results["dashboard"] = bench_dashboard()
    results["live"], results["idle_per_1000"], lineage_per_batch, per_key = bench_live()
    if os.environ.get("BENCH_ONLY") != "read":
        year_projection(*storage, lineage_per_batch, per_key)
    print("summary: " + ", ".join(f"{key}={value:.3f}" for key, value in results.items()))


if __name__ == "__main__":
    main()
