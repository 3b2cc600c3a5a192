#!/usr/bin/env bash
# Starts an S3-protocol server (s3rver, a devDependency) on loopback in the background, with one bucket, and
# prints the STORAGE_URL to use. Its key pair is S3RVER / S3RVER: export AWS_ACCESS_KEY_ID=S3RVER and
# AWS_SECRET_ACCESS_KEY=S3RVER for the service. Stop it with: kill "$(cat <folder>/s3rver.pid)"
# Usage: scripts/start-s3-server.sh <folder for its files> [port (9000)] [bucket (asset-gateway)]
set -euo pipefail
dir="${1:?usage: start-s3-server.sh <folder> [port] [bucket]}"
port="${2:-9000}"
bucket="${3:-asset-gateway}"
here="$(cd "$(dirname "$0")/.." && pwd)"

mkdir -p "$dir/data"
nohup node "$here/node_modules/s3rver/bin/s3rver.js" --directory "$dir/data" --address 127.0.0.1 --port "$port" \
  --silent --configure-bucket "$bucket" >"$dir/s3rver.log" 2>&1 &
echo $! >"$dir/s3rver.pid"
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    # s3rver removes a key's folder when its last object goes, and an upload into that folder at the same
    # moment then crashes it (ENOENT). A file that is not an object keeps the service's two folders.
    mkdir -p "$dir/data/$bucket/tmp" "$dir/data/$bucket/blobs"
    touch "$dir/data/$bucket/tmp/.keep" "$dir/data/$bucket/blobs/.keep"
    echo "s3://$bucket?endpoint=http://127.0.0.1:$port&region=us-east-1&forcePathStyle=true"
    exit 0
  fi
  sleep 0.1
done
echo "s3rver did not start; its log:" >&2
cat "$dir/s3rver.log" >&2
exit 1
