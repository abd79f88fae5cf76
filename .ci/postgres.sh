#!/usr/bin/env bash
# Throwaway PostgreSQL server for Crescendo's tests.
#
#   source .ci/postgres.sh; start_postgres    # exports CRESCENDO_TEST_POSTGRES
#   trap stop_postgres EXIT                   # stops it only if this shell started it
#
#   bash .ci/postgres.sh [start]   # prints "export CRESCENDO_TEST_POSTGRES=..." on stdout
#   bash .ci/postgres.sh stop      # stops the server recorded in the state file
#   bash .ci/postgres.sh status    # exit 0 and prints the URL if it is up
#
# The server runs as the `postgres` system user (PostgreSQL refuses to run as
# root) from a fresh `mktemp -d` folder, listens on 127.0.0.1 only (port 54329,
# or the next free one), keeps its unix socket inside that folder, and allows
# TCP logins with scram-sha-256 passwords (what postgres-nio speaks).
# Role `crescendo` / password `crescendo` owns database `crescendo_test`.
#
# Idempotent: a second start while the recorded server is still up reuses it
# (and re-checks role + database); a dead one is cleaned up and replaced.
#
# Settings (environment):
#   CRESCENDO_PG_PORT   first port to try (default 54329)
#   CRESCENDO_PG_STATE  state file (default ${TMPDIR:-/tmp}/crescendo-postgres.state)
#   CRESCENDO_PG_DURABLE=1  keep fsync on (default: off, it is a test server)
#
# Everything this file logs goes to stderr; it never `set -e`s the caller, and
# its functions work the same whether or not the caller runs under `set -e`.

_crescendo_pg_log() { printf '[postgres.sh] %s\n' "$*" >&2; }

_crescendo_pg_state_file() {
    printf '%s\n' "${CRESCENDO_PG_STATE:-${TMPDIR:-/tmp}/crescendo-postgres.state}"
}

# Sets CRESCENDO_PG_BINDIR to the folder holding initdb/pg_ctl/pg_isready/psql,
# installing PostgreSQL from Debian if there is no initdb at all.
_crescendo_pg_find_bindir() {
    local initdb_path="" candidate
    if command -v initdb >/dev/null 2>&1; then
        initdb_path="$(command -v initdb)"
    else
        # Highest version first.
        for candidate in $(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -t/ -k4,4 -rn); do
            [[ -x "$candidate" ]] && { initdb_path="$candidate"; break; }
        done
    fi
    if [[ -z "$initdb_path" ]]; then
        _crescendo_pg_log "initdb not found; installing PostgreSQL with apt-get"
        local sudo=""
        [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || return 1
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || return 1
        for candidate in $(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -t/ -k4,4 -rn); do
            [[ -x "$candidate" ]] && { initdb_path="$candidate"; break; }
        done
        if [[ -z "$initdb_path" ]]; then
            _crescendo_pg_log "ERROR: PostgreSQL installed but no initdb under /usr/lib/postgresql/*/bin"
            return 1
        fi
    fi
    # /usr/local/bin/initdb may be a symlink: use the real folder so pg_ctl,
    # pg_isready and psql all come from the same version.
    CRESCENDO_PG_BINDIR="$(dirname "$(readlink -f "$initdb_path")")"
    local tool
    for tool in pg_ctl pg_isready psql; do
        if [[ ! -x "$CRESCENDO_PG_BINDIR/$tool" ]]; then
            _crescendo_pg_log "ERROR: $CRESCENDO_PG_BINDIR/$tool missing"
            return 1
        fi
    done
}

# Runs a command as the postgres system user (or as ourselves when not root).
_crescendo_pg_as_pg() {
    if [[ "$(id -u)" -eq 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            (cd / && su -s /bin/sh postgres -c '"$0" "$@"' "$@")
        fi
    else
        "$@"
    fi
}

_crescendo_pg_ensure_user() {
    [[ "$(id -u)" -ne 0 ]] && return 0
    if ! id postgres >/dev/null 2>&1; then
        _crescendo_pg_log "creating system user postgres"
        useradd --system --user-group --no-create-home \
            --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
    fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
_crescendo_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_crescendo_pg_pick_port() {
    local first="${CRESCENDO_PG_PORT:-54329}" p i
    for ((p = first; p < first + 20; p++)); do
        _crescendo_pg_port_busy "$p" || { printf '%s\n' "$p"; return 0; }
    done
    for ((i = 0; i < 50; i++)); do
        p=$((20000 + RANDOM % 30000))
        _crescendo_pg_port_busy "$p" || { printf '%s\n' "$p"; return 0; }
    done
    _crescendo_pg_log "ERROR: no free port found"
    return 1
}

# psql as superuser over the private unix socket (trust auth there).
_crescendo_pg_psql_admin() {
    _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$CRESCENDO_PG_DIR/sock" -p "$CRESCENDO_PG_PORTNUM" -U postgres -d postgres "$@"
}

_crescendo_pg_ensure_db() {
    _crescendo_pg_psql_admin >&2 <<'SQL' || return 1
SET client_min_messages = warning;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crescendo') THEN
    CREATE ROLE crescendo LOGIN CREATEDB PASSWORD 'crescendo';
  ELSE
    ALTER ROLE crescendo LOGIN CREATEDB PASSWORD 'crescendo';
  END IF;
END
$$;
SELECT 'CREATE DATABASE crescendo_test OWNER crescendo'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'crescendo_test') \gexec
SQL
}

_crescendo_pg_write_state() {
    local state
    state="$(_crescendo_pg_state_file)"
    {
        printf 'CRESCENDO_PG_DIR=%s\n' "$CRESCENDO_PG_DIR"
        printf 'CRESCENDO_PG_PORTNUM=%s\n' "$CRESCENDO_PG_PORTNUM"
        printf 'CRESCENDO_PG_BINDIR=%s\n' "$CRESCENDO_PG_BINDIR"
    } >"$state"
}

# Loads the state file into CRESCENDO_PG_DIR/PORTNUM/BINDIR; fails if none.
_crescendo_pg_load_state() {
    local state key value
    state="$(_crescendo_pg_state_file)"
    # Plain KEY=VALUE lines, never eval'ed; ignore a file someone else owns.
    [[ -r "$state" && -O "$state" ]] || return 1
    while IFS='=' read -r key value; do
        case "$key" in
            CRESCENDO_PG_DIR | CRESCENDO_PG_PORTNUM | CRESCENDO_PG_BINDIR)
                printf -v "$key" '%s' "$value" ;;
        esac
    done <"$state"
    [[ -n "${CRESCENDO_PG_DIR:-}" && -n "${CRESCENDO_PG_PORTNUM:-}" && -n "${CRESCENDO_PG_BINDIR:-}" ]]
}

_crescendo_pg_running() {
    [[ -d "${CRESCENDO_PG_DIR:-}/data" ]] &&
        _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/pg_ctl" -D "$CRESCENDO_PG_DIR/data" status >/dev/null 2>&1
}

_crescendo_pg_export_url() {
    CRESCENDO_TEST_POSTGRES="postgres://crescendo:crescendo@127.0.0.1:${CRESCENDO_PG_PORTNUM}/crescendo_test"
    export CRESCENDO_TEST_POSTGRES CRESCENDO_PG_DIR CRESCENDO_PG_PORTNUM CRESCENDO_PG_BINDIR
    _crescendo_pg_log "CRESCENDO_TEST_POSTGRES=$CRESCENDO_TEST_POSTGRES"
}

_crescendo_pg_remove_dir() {
    # Only ever delete folders this script made.
    case "$1" in
        */crescendo-pg.*) [[ -d "$1" ]] && rm -rf -- "$1" ;;
    esac
    return 0
}

start_postgres() {
    _crescendo_pg_find_bindir || return 1
    _crescendo_pg_ensure_user || return 1
    local bindir="$CRESCENDO_PG_BINDIR"

    # Reuse the recorded server if it is still up.
    if _crescendo_pg_load_state; then
        CRESCENDO_PG_BINDIR="$bindir"
        if _crescendo_pg_running &&
            "$CRESCENDO_PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$CRESCENDO_PG_PORTNUM" &&
            _crescendo_pg_ensure_db; then
            _crescendo_pg_log "reusing running server in $CRESCENDO_PG_DIR (port $CRESCENDO_PG_PORTNUM)"
            CRESCENDO_PG_OWNED="${CRESCENDO_PG_OWNED:-0}"
            _crescendo_pg_export_url
            return 0
        fi
        _crescendo_pg_log "recorded server in ${CRESCENDO_PG_DIR:-?} is gone; starting a new one"
        # The dead server's pg_ctl stop fails by design; the caller may run under `set -e`.
        _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/pg_ctl" -D "$CRESCENDO_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        _crescendo_pg_remove_dir "$CRESCENDO_PG_DIR"
        rm -f -- "$(_crescendo_pg_state_file)"
    fi

    CRESCENDO_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/crescendo-pg.XXXXXX")" || return 1
    if [[ "$(id -u)" -eq 0 ]]; then chown postgres: "$CRESCENDO_PG_DIR" || return 1; fi
    _crescendo_pg_as_pg mkdir -m 0700 "$CRESCENDO_PG_DIR/sock" || return 1

    _crescendo_pg_log "initdb in $CRESCENDO_PG_DIR/data ($CRESCENDO_PG_BINDIR)"
    if ! _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/initdb" -D "$CRESCENDO_PG_DIR/data" \
        -U postgres -E UTF8 --no-locale --no-sync \
        --auth-local=trust --auth-host=scram-sha-256 >"$CRESCENDO_PG_DIR/initdb.log" 2>&1; then
        _crescendo_pg_log "ERROR: initdb failed:"
        cat "$CRESCENDO_PG_DIR/initdb.log" >&2
        return 1
    fi

    local durable_settings=""
    if [[ "${CRESCENDO_PG_DURABLE:-0}" != 1 ]]; then
        durable_settings=$'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'
    fi

    local attempt started=0
    for attempt in 1 2 3; do
        CRESCENDO_PG_PORTNUM="$(_crescendo_pg_pick_port)" || return 1
        # conf.d-style override appended to postgresql.conf (last one wins).
        _crescendo_pg_as_pg tee -a "$CRESCENDO_PG_DIR/data/postgresql.conf" >/dev/null <<EOF

# --- crescendo .ci/postgres.sh (attempt $attempt) ---
listen_addresses = '127.0.0.1'
port = $CRESCENDO_PG_PORTNUM
unix_socket_directories = '$CRESCENDO_PG_DIR/sock'
max_connections = 200
${durable_settings}
EOF
        _crescendo_pg_log "starting server on 127.0.0.1:$CRESCENDO_PG_PORTNUM"
        if _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/pg_ctl" -D "$CRESCENDO_PG_DIR/data" \
            -l "$CRESCENDO_PG_DIR/server.log" -w -t 30 start >/dev/null 2>&1; then
            started=1
            break
        fi
        if grep -q 'could not bind\|Address already in use' "$CRESCENDO_PG_DIR/server.log" 2>/dev/null; then
            _crescendo_pg_log "port $CRESCENDO_PG_PORTNUM was taken meanwhile; trying another"
            CRESCENDO_PG_PORT=$((CRESCENDO_PG_PORTNUM + 1))
            continue
        fi
        break
    done

    # Belt and braces: wait for TCP connections (pg_ctl -w checks the socket).
    local deadline=$((SECONDS + 30))
    while [[ "$started" == 1 ]] &&
        ! "$CRESCENDO_PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$CRESCENDO_PG_PORTNUM"; do
        if ((SECONDS >= deadline)); then started=0; break; fi
        sleep 0.2
    done

    if [[ "$started" != 1 ]]; then
        _crescendo_pg_log "ERROR: PostgreSQL failed to start (or was not ready within 30 s). Server log ($CRESCENDO_PG_DIR/server.log):"
        cat "$CRESCENDO_PG_DIR/server.log" >&2 2>/dev/null
        _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/pg_ctl" -D "$CRESCENDO_PG_DIR/data" -m immediate stop >/dev/null 2>&1
        return 1
    fi

    _crescendo_pg_ensure_db || {
        _crescendo_pg_log "ERROR: could not create role/database. Server log:"
        tail -n 50 "$CRESCENDO_PG_DIR/server.log" >&2
        return 1
    }
    _crescendo_pg_write_state
    CRESCENDO_PG_OWNED=1
    _crescendo_pg_export_url
}

# Stops the server, deletes its folder and the state file.
# Without --force it only stops a server that this shell started (so a
# `trap stop_postgres EXIT` in .ci/run leaves a developer's reused server alone).
stop_postgres() {
    if [[ "${1:-}" != --force && "${CRESCENDO_PG_OWNED:-0}" != 1 ]]; then
        [[ -n "${CRESCENDO_PG_DIR:-}" ]] && _crescendo_pg_log "server was reused, not started here: leaving it running"
        return 0
    fi
    if [[ -z "${CRESCENDO_PG_DIR:-}" ]] && ! _crescendo_pg_load_state; then
        _crescendo_pg_log "no server recorded"
        return 0
    fi
    if [[ -z "${CRESCENDO_PG_BINDIR:-}" ]]; then
        _crescendo_pg_find_bindir || return 1
    fi
    if [[ -d "$CRESCENDO_PG_DIR/data" ]]; then
        _crescendo_pg_log "stopping server in $CRESCENDO_PG_DIR"
        _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/pg_ctl" -D "$CRESCENDO_PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            _crescendo_pg_as_pg "$CRESCENDO_PG_BINDIR/pg_ctl" -D "$CRESCENDO_PG_DIR/data" -m immediate stop >/dev/null 2>&1
    fi
    _crescendo_pg_remove_dir "$CRESCENDO_PG_DIR"
    # Forget the state file only if it describes this server.
    local state recorded=""
    state="$(_crescendo_pg_state_file)"
    [[ -r "$state" ]] && recorded="$(sed -n 's/^CRESCENDO_PG_DIR=//p' "$state")"
    if [[ -z "$recorded" || "$recorded" == "$CRESCENDO_PG_DIR" ]]; then
        rm -f -- "$state"
    fi
    unset CRESCENDO_PG_DIR CRESCENDO_PG_PORTNUM CRESCENDO_PG_OWNED CRESCENDO_TEST_POSTGRES
}

# Executed rather than sourced: tiny CLI.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    case "${1:-start}" in
        start)
            start_postgres || exit 1
            printf 'export CRESCENDO_TEST_POSTGRES=%s\n' "$CRESCENDO_TEST_POSTGRES"
            ;;
        stop)
            stop_postgres --force
            ;;
        status)
            if _crescendo_pg_load_state && "$CRESCENDO_PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$CRESCENDO_PG_PORTNUM"; then
                printf 'postgres://crescendo:crescendo@127.0.0.1:%s/crescendo_test\n' "$CRESCENDO_PG_PORTNUM"
            else
                echo "not running" >&2
                exit 1
            fi
            ;;
        *)
            echo "usage: $0 [start|stop|status]" >&2
            exit 2
            ;;
    esac
fi
