#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the test suite.
#   tests/throwaway_pg.sh start      prints shell assignments MINPLAN_TEST_PG_URL=... MINPLAN_PG_DIR=...
#                                    (and MINPLAN_TEST_PG_CA=...: the CA of its TLS certificate)
#   tests/throwaway_pg.sh stop DIR   stops it and removes DIR
# Runs the server as an unprivileged user: the 'postgres' account when started as root.
set -euo pipefail
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[[ -n $bindir && -x $bindir/initdb ]] || { echo "no PostgreSQL server binaries found" >&2; exit 1; }

run_as() {
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else "$@"; fi
}

case ${1:-} in
  start)
    dir=$(mktemp -d /tmp/minplan-pg.XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$dir"; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # Like a Danish jobcenter's server: Danish collation (ICU, PostgreSQL 15+) and Danish time, so
    # the tests catch code that relies on byte order or on the server's clock being UTC.
    rm -rf "$dir/data"
    run_as "$bindir/initdb" -D "$dir/data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --locale-provider=icu --icu-locale=da-DK >"$dir/initdb.log" 2>&1 \
      || { rm -rf "$dir/data"; run_as "$bindir/initdb" -D "$dir/data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; } \
      || { rm -rf "$dir/data"; run_as "$bindir/initdb" -D "$dir/data" -A trust -U postgres --encoding=UTF8 >"$dir/initdb.log" 2>&1; }
    # TLS with a throwaway certificate authority, so sslmode=verify-full can be tested.
    ssl_opts=""
    if command -v openssl >/dev/null \
      && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Min Plan test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 \
      && openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/data/server.key" \
        -out "$dir/server.csr" >/dev/null 2>&1 \
      && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext" \
      && openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/data/server.crt" >/dev/null 2>&1
    then
      chmod 600 "$dir/data/server.key"
      chmod 644 "$dir/ca.crt"
      ssl_opts="-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
    fi
    # The superuser 'postgres' (the suite's own account) is trusted on loopback; every other role
    # needs its password and (where openssl made a certificate) TLS, as on a real server, so the
    # key store and the README's pg_hba.conf line are tested for real.
    printf '%s\n' "local all all trust" "host all postgres 127.0.0.1/32 trust" \
      "$([[ -n $ssl_opts ]] && echo hostssl || echo host) all all 127.0.0.1/32 scram-sha-256" \
      >"$dir/data/pg_hba.conf"
    [[ $(id -u) -ne 0 ]] || chown -R postgres "$dir/data"
    run_as "$bindir/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c timezone=Europe/Copenhagen $ssl_opts" -l "$dir/log" -w start >/dev/null
    run_as "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres minplan_test
    echo "export MINPLAN_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/minplan_test MINPLAN_PG_DIR=$dir"
    [[ -z $ssl_opts ]] || echo "export MINPLAN_TEST_PG_CA=$dir/ca.crt"
    ;;
  stop)
    dir=${2:?directory}
    run_as "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
