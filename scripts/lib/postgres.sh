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
        # from /, since the working directory (a clone in root's home, say) may be closed to the postgres user
        (cd / && runuser -u postgres -- "$@")
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

# Runs SQL from standard input as the cluster's superuser on database $1.
pg_psql() {
    "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U accord -d "$1" >/dev/null
}

# pg_create_accord_database NAME: the two roles Accord uses — accord_owner owns the schema and runs migrations,
# accord_app is the server's role (rows only; INSERT and SELECT on the audit trail; no DDL) — and NAME owned by
# accord_owner. A database made before the roles were split is handed over to accord_owner. Exports
# DATABASE_URL (the server's role) and ACCORD_MIGRATION_DATABASE_URL (the owner).
pg_create_accord_database() {
    local name="$1"
    pg_psql postgres <<'SQL'
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'accord_owner') THEN
        CREATE ROLE accord_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'accord_app') THEN
        CREATE ROLE accord_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
END $$;
SQL
    local owner
    owner="$("$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U accord -d postgres -tAc \
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$name'")"
    if [ -z "$owner" ]; then
        "$PG_BIN/createdb" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U accord -O accord_owner "$name"
    elif [ "$owner" != "accord_owner" ]; then
        echo "Handing database $name over to the accord_owner role (it was created before the server got a role of its own)..."
        pg_psql postgres <<<"ALTER DATABASE \"$name\" OWNER TO accord_owner"
        pg_psql "$name" <<'SQL'
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT c.oid::regclass AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> 'accord_owner' LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO accord_owner', r.object);
    END LOOP;
    FOR r IN SELECT c.oid::regclass AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> 'accord_owner'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO accord_owner', r.object);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS object FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'accord_owner' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO accord_owner', r.object);
    END LOOP;
END $$;
SQL
    fi
    export DATABASE_URL="postgres://accord_app@/$name?host=$PG_SOCKET_DIR&port=$PG_PORT"
    export ACCORD_MIGRATION_DATABASE_URL="postgres://accord_owner@/$name?host=$PG_SOCKET_DIR&port=$PG_PORT"
}

# pg_cluster_dir ROOT: where the private cluster of the clone at ROOT lives: ROOT/.data/postgres, unless the server's
# user (postgres, when this runs as root) cannot reach it — a clone in root's home directory (mode 700) — in which case
# a directory of its own under /var/lib/accord, keyed to the clone's path.
pg_cluster_dir() {
    local root="$1"
    mkdir -p "$root/.data"
    if [ "$(id -u)" = "0" ] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$root/.data" 2>/dev/null; then
        local key
        key="$(printf '%s' "$root" | sha256sum | cut -c1-12)"
        mkdir -p "/var/lib/accord/$key"
        chmod 755 /var/lib/accord "/var/lib/accord/$key"
        printf '%s\n' "$root" >"/var/lib/accord/$key/clone"
        echo "/var/lib/accord/$key/postgres"
    else
        echo "$root/.data/postgres"
    fi
}
