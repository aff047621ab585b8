# api_fuzz ROOT BIN: runs schemathesis against a real server built from this tree, on a fresh database of the running
# throwaway cluster (roles as in production), with a bounded, seeded number of examples per operation. Fails on any
# server error, response that breaks its schema, undocumented status code or wrong content type.
api_fuzz() {
    local root="$1" bin="$2"
    # pip puts its commands in Python's scripts folder, which a version manager's PATH may not show yet
    local st
    st="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/st"
    if [ ! -x "$st" ]; then
        echo "Installing schemathesis (PyPI)..."
        python3 -m pip install -q "schemathesis==4.32.5" >/dev/null || { echo "error: could not install schemathesis" >&2; return 1; }
    fi
    pg_create_accord_database accord_fuzz
    local port=$(( 18000 + RANDOM % 2000 )) work
    work="$(mktemp -d /tmp/accord-fuzz-XXXXXX)"
    export ACCORD_ROOT="$root" ACCORD_PORT="$port" LOG_LEVEL=error
    "$bin" migrate >/dev/null
    "$bin" seed-demo >/dev/null
    local token
    token="$("$bin" token add --email admin@accord.example --name fuzz | tail -1)"
    "$bin" serve >"$work/server.log" 2>&1 &
    local server=$!
    for _ in $(seq 1 100); do
        if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
        sleep 0.2
    done
    local status=0
    (cd "$work" && "$st" run "$root/openapi.yaml" --url "http://127.0.0.1:$port" -H "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing --max-examples "${ACCORD_FUZZ_EXAMPLES:-5}" --seed 20261202 --no-color) || status=$?
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    if [ "$status" != "0" ]; then tail -20 "$work/server.log" >&2; fi
    rm -rf "$work"
    return "$status"
}
