# outage_check ROOT BIN: kills a real PostgreSQL with kill -9 under a stream of idempotent batches sent to a real
# server, restarts it, and checks that every request is answered, every batch is stored once, and SIGTERM ends the
# server within its drain (scripts/lib/outage-check.py). Runs on a cluster of its own, so nothing else is disturbed.
outage_check() {
    local root="$1" bin="$2"
    OUTAGE_CLUSTER="$(mktemp -d /tmp/accord-outage-XXXXXX)"
    chmod 755 "$OUTAGE_CLUSTER"
    local pg_port=$(( 60000 + RANDOM % 4000 ))
    # durable, as in production: a throwaway cluster's synchronous_commit=off would lose acknowledged commits in the crash
    pg_start_cluster "$OUTAGE_CLUSTER" "$pg_port"
    export OUTAGE_CLUSTER OUTAGE_PG_PORT="$pg_port"
    pg_create_accord_database accord_outage
    local port=$(( 20000 + RANDOM % 2000 ))
    export ACCORD_ROOT="$root" ACCORD_PORT="$port" LOG_LEVEL=${OUTAGE_LOG_LEVEL:-warning} ACCORD_DB_WAIT_SECONDS=3 ACCORD_DRAIN_SECONDS=5 ACCORD_SCHEDULER=off
    # (the one-shot commands warn that the pool is used before it runs: harmless, and hidden here)
    "$bin" migrate >/dev/null 2>&1 || "$bin" migrate
    "$bin" seed-demo >/dev/null 2>&1 || "$bin" seed-demo
    local token objective
    token="$("$bin" token add --email admin@accord.example --name outage 2>/dev/null | tail -1)"
    objective="$(outage_psql "SELECT o.id FROM objectives o JOIN agreement_versions v ON v.id = o.version_id JOIN agreements a ON a.id = v.agreement_id
                              WHERE o.sli_kind = 'ratio' AND a.status = 'active' AND v.state = 'active'
                                AND v.number = (SELECT max(number) FROM agreement_versions WHERE agreement_id = a.id AND state = 'active')
                              ORDER BY o.id LIMIT 1")"
    local status=0
    (cd "$root" && OUTAGE_URL="http://127.0.0.1:$port" OUTAGE_TOKEN="$token" OUTAGE_OBJECTIVE="$objective" OUTAGE_BIN="$bin" \
        OUTAGE_LOG="$OUTAGE_CLUSTER/server.out" python3 scripts/lib/outage-check.py) || status=$?
    cp "$OUTAGE_CLUSTER/server.out" /tmp/accord-outage-server.log 2>/dev/null || true
    if [ "$status" != "0" ]; then tail -40 "$OUTAGE_CLUSTER/server.out" >&2 || true; echo "(the whole server log: /tmp/accord-outage-server.log)" >&2; fi
    pg_stop_cluster "$OUTAGE_CLUSTER"
    rm -rf "$OUTAGE_CLUSTER"
    return "$status"
}

# The outage cluster's postmaster and every backend, killed at once as a crash would.
outage_kill_cluster() {
    local pid
    pid="$(head -1 "$OUTAGE_CLUSTER/data/postmaster.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || return 0
    pkill -9 -P "$pid" 2>/dev/null || true
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

outage_start_cluster() {
    pg_ensure_binaries
    pg_start_cluster "$OUTAGE_CLUSTER" "$OUTAGE_PG_PORT" >/dev/null
}

# outage_psql SQL: one query on the outage database, unaligned, as the cluster's superuser.
outage_psql() {
    pg_ensure_binaries
    "$PG_BIN/psql" -h "$OUTAGE_CLUSTER/socket" -p "$OUTAGE_PG_PORT" -U accord -d accord_outage -tAc "$1"
}
