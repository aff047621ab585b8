# Shared PostgreSQL helpers for scripts/run and scripts/test: find or install the server, and run a private
# cluster in a directory of its own. As root, the server runs as the `postgres` user (it refuses root).

pg_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    done
}

pg_ensure_binaries() {
    PG_BIN="$(pg_bindir)"
    if [ -z "$PG_BIN" ]; then
        echo "Installing the PostgreSQL server (apt-get install postgresql)..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        PG_BIN="$(pg_bindir)"
    fi
    if [ -z "$PG_BIN" ]; then
        echo "error: no PostgreSQL server binaries found and installing them failed" >&2
        exit 1
    fi
    export PG_BIN
}

# Runs a PostgreSQL binary as the cluster's owner.
pg_as_owner() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_start_cluster DIR PORT [throwaway]: creates the cluster in DIR once, then starts it on PORT with its socket in DIR/socket.
pg_start_cluster() {
    local dir="$1" port="$2" mode="${3:-}"
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        chown postgres: "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        pg_as_owner mkdir -p "$dir/data" "$dir/socket"
        pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U accord --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    local options="-c listen_addresses='' -c unix_socket_directories='$dir/socket' -p $port -c max_connections=200"
    if [ "$mode" = "throwaway" ]; then
        options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "PostgreSQL is already running in $dir; using it."
    else
        pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$options" -w -t 60 start >/dev/null \
            || { tail -20 "$dir/server.log" >&2; exit 1; }
    fi
    PG_SOCKET_DIR="$dir/socket"
    PG_PORT="$port"
    export PG_SOCKET_DIR PG_PORT
}

pg_stop_cluster() {
    local dir="$1"
    if [ -f "$dir/data/postmaster.pid" ]; then
        pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

# pg_create_database NAME: creates NAME in the running private cluster unless it exists.
pg_create_database() {
    local name="$1"
    if ! "$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U accord -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
        "$PG_BIN/createdb" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U accord "$name"
    fi
}
