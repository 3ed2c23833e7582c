#!/usr/bin/env bash
# stop_with_finished_source.sh - stop with a savepoint while one source has already ended
# (its task has parked with its final snapshot) and another still runs: the savepoint is
# taken, every task ends, and weir exits 0 (it used to wait forever for the parked task).
set -euo pipefail
weir=${WEIR_BIN:?WEIR_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/job.sql" <<'SQL'
CREATE TABLE a (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
  'fields.id.start' = '1', 'fields.id.end' = '10');
CREATE TABLE b (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100');
CREATE TABLE o (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT id FROM a UNION ALL SELECT id FROM b;
SQL
"$weir" run "$tmp/job.sql" --checkpoint-dir "$tmp/ck" --set execution.stop-with-savepoint=true \
  2> "$tmp/err" &
pid=$!
sleep 1.5
kill -TERM $pid
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
  kill -9 $pid; echo "FAIL weir did not end within 10 s of the stop"; exit 1
fi
set +e; wait $pid; st=$?; set -e
sp=$(sed -n 's/^weir: savepoint //p' "$tmp/err")
if [ $st -eq 0 ] && [ -n "$sp" ] && [ -f "$sp/_manifest" ]; then
  echo "ok   stopped with a savepoint with one source finished: exit 0, $sp"
else
  echo "FAIL exit $st, savepoint '$sp'"; cat "$tmp/err"; exit 1
fi
