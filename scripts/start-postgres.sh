#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests, with its files in <folder>, and prints the
# URL of its superuser (trust authentication: nothing but this machine can reach it). The system's own
# cluster, if any, is left alone. Usage: scripts/start-postgres.sh <folder for its files> [port]
# Stop it with: pg_ctl -D <folder>/data stop (as the postgres user when run as root).
set -euo pipefail
dir="${1:?usage: start-postgres.sh <folder> [port]}"
port="${2:-55432}"

bin="$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)")"
if [ ! -x "$bin/initdb" ]; then
  echo "initdb not found: install PostgreSQL (Debian: apt-get install postgresql)" >&2
  exit 1
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
# PostgreSQL refuses to run as root: the cluster then belongs to the postgres user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi

# The C locale compares text byte by byte, as SQLite does, so both databases sort names alike.
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log"
# A throwaway cluster: durability traded for speed.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || {
  echo "PostgreSQL did not start; its log:" >&2
  cat "$dir/postgres.log" >&2
  exit 1
}
echo "postgres://postgres@127.0.0.1:$port/postgres"
