#!/usr/bin/env bash
# Starts clamd on loopback, offline, with the EICAR test signature as its only database, and prints the
# CLAMD_URL to use. Usage: scripts/start-clamd.sh <folder for its files> [port]
set -euo pipefail
dir="${1:?usage: start-clamd.sh <folder> [port]}"
port="${2:-3310}"
here="$(cd "$(dirname "$0")/.." && pwd)"
signatures="$here/../shared/testdata/eicar.hdb"
[ -f "$signatures" ] || signatures="$here/test/fixtures/eicar.hdb"

mkdir -p "$dir/db"
cp "$signatures" "$dir/db/"
cat > "$dir/clamd.conf" <<CONF
DatabaseDirectory $dir/db
TCPSocket $port
TCPAddr 127.0.0.1
LogFile $dir/clamd.log
PidFile $dir/clamd.pid
StreamMaxLength 100M
Foreground no
CONF
clamd -c "$dir/clamd.conf"
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "tcp://127.0.0.1:$port"
    exit 0
  fi
  sleep 0.1
done
echo "clamd did not start; its log:" >&2
cat "$dir/clamd.log" >&2
exit 1
