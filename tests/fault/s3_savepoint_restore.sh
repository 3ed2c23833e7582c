#!/usr/bin/env bash
# s3_savepoint_restore.sh - savepoint_restore.sh with the checkpoints and savepoints in S3:
# starts the real peer s3rver (tests/peers, see tests/README.md, Peers) on a free loopback
# port with a bucket, points the S3 store at it (WEIR_S3_*) and runs savepoint_restore.sh
# with FAULT_CKPT_BASE=s3://weir-fault/RUN for a case or a few (CASES, default "hop"):
# a job stopped with a savepoint written to S3 at parallelism 2 and restored from it at 1
# and at 4 must print the rows of an uninterrupted run. Without node or s3rver it says so and
# passes (scripts/install-deps installs both).
set -euo pipefail
: "${WEIR_BIN:?WEIR_BIN is not set}"
here=$(cd "$(dirname "$0")" && pwd)
s3rver="$here/../peers/node_modules/s3rver/bin/s3rver.js"
if ! command -v node >/dev/null 2>&1 || [ ! -f "$s3rver" ]; then
  echo "s3_savepoint_restore: SKIPPED: node or s3rver is missing (run scripts/install-deps)"
  exit 0
fi
data=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT
started=""
for try in 1 2 3; do
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  # The legacy provider: s3rver's continuation tokens use DES (OpenSSL 3 keeps it there).
  node --openssl-legacy-provider "$s3rver" -d "$data" -a 127.0.0.1 -p "$port" --silent \
    --configure-bucket weir-fault > "$data/s3rver.log" 2>&1 &
  pid=$!
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then started=1; break; fi
    kill -0 "$pid" 2>/dev/null || break # exited: the port was taken; try another
    sleep 0.1
  done
  [ -n "$started" ] && break
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""
done
if [ -z "$started" ]; then
  echo "s3_savepoint_restore: FAIL: s3rver did not start"; cat "$data/s3rver.log"; exit 1
fi
export WEIR_S3_ENDPOINT="http://127.0.0.1:$port" WEIR_S3_ACCESS_KEY=S3RVER WEIR_S3_SECRET_KEY=S3RVER
export FAULT_CKPT_BASE="s3://weir-fault/run-$$"
CASES="${CASES:-hop}" bash "$here/savepoint_restore.sh"
