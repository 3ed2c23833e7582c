#!/usr/bin/env bash
# restart.sh - restart strategies of `weir run`. A job whose sink fails once (an injected
# write failure) restarts from its latest checkpoint and ends with exactly the output of an
# uninterrupted run; a job that fails every time (a malformed input row) is restarted as
# often as the strategy allows and then fails with exit status 1, the log naming each
# restart.
set -euo pipefail
weir=${WEIR_BIN:?WEIR_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
mkdir -p "$tmp/in"
awk -v dir="$tmp/in" 'BEGIN {
  srand(3);
  for (f = 0; f < 2; f++) {
    file = sprintf("%s/part-%d.csv", dir, f);
    for (i = 0; i < 200000; i++)
      printf "%d,k%d,%.0f,%d\n", f * 1000000 + i, int(rand() * 30),
             1704067200000 + (f * 200000 + i) * 20 + int(rand() * 1500), int(rand() * 1000) > file;
    close(file);
  }
}'
job() { # job INPUT_DIR OUT_DIR
  cat <<SQL
SET 'pipeline.auto-watermark-interval' = '0 ms';
CREATE TABLE src (id BIGINT, k STRING, ts_ms BIGINT, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
CREATE TABLE win (k STRING, window_end TIMESTAMP(3), n BIGINT, total BIGINT)
  WITH ('connector' = 'filesystem', 'path' = '$2/win', 'format' = 'csv');
CREATE TABLE pass (id BIGINT, v INT)
  WITH ('connector' = 'filesystem', 'path' = '$2/pass', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO win SELECT k, window_end, COUNT(*), SUM(CAST(v AS BIGINT))
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY k, window_start, window_end;
INSERT INTO pass SELECT id, v FROM src WHERE v > 500;
END;
SQL
}
committed() { find "$1" -type f -name 'part-*' -exec cat {} + | LC_ALL=C sort; }

job "$tmp/in" "$tmp/ref" > "$tmp/ref.sql"
"$weir" run "$tmp/ref.sql" --parallelism 2 2>/dev/null
committed "$tmp/ref" > "$tmp/ref.txt"

# A failure after some checkpoints, and one before the first: both recover exactly.
for at in 400 3; do
  job "$tmp/in" "$tmp/o$at" > "$tmp/o$at.sql"
  if WEIR_FAIL_AT=fs.write:$at "$weir" run "$tmp/o$at.sql" --parallelism 2 \
      --checkpoint-dir "$tmp/ck$at" --set execution.checkpointing.interval=20ms \
      --set restart-strategy.exponential-delay.initial-backoff=50ms 2> "$tmp/o$at.log"; then
    if ! grep -q "restarting in" "$tmp/o$at.log"; then
      echo "FAIL failure at write $at: the job did not fail and restart"; fails=$((fails + 1))
    elif committed "$tmp/o$at" | cmp -s - "$tmp/ref.txt"; then
      echo "ok   failure at write $at: restarted, output exactly once"
    else
      echo "FAIL failure at write $at: output differs after the restart"; fails=$((fails + 1))
    fi
  else
    echo "FAIL failure at write $at: exit $?"; tail -3 "$tmp/o$at.log"; fails=$((fails + 1))
  fi
done

# A failure that comes back every time: fixed-delay with 2 attempts = 3 runs, then exit 1.
mkdir -p "$tmp/bad"
cp "$tmp/in/part-0.csv" "$tmp/bad/"
printf '1,k1,not-a-number,5\n' >> "$tmp/bad/part-0.csv"
job "$tmp/bad" "$tmp/obad" > "$tmp/bad.sql"
set +e
"$weir" run "$tmp/bad.sql" --checkpoint-dir "$tmp/ckbad" \
  --set restart-strategy.type=fixed-delay --set restart-strategy.fixed-delay.attempts=2 \
  --set restart-strategy.fixed-delay.delay=10ms 2> "$tmp/bad.log"
st=$?
set -e
n=$(grep -c "restarting in" "$tmp/bad.log" || true)
if [ $st -eq 1 ] && [ "$n" -eq 2 ] && grep -q "job failed: .*part-0.csv:200001" "$tmp/bad.log"; then
  echo "ok   persistent failure: 2 restarts, then exit 1 naming the bad row"
else
  echo "FAIL persistent failure: exit $st after $n restarts"; tail -3 "$tmp/bad.log"; fails=$((fails + 1))
fi
# failure-rate: at most 1 failure per minute = no restart for the second failure.
set +e
"$weir" run "$tmp/bad.sql" --checkpoint-dir "$tmp/ckbad2" --set restart-strategy.type=failure-rate \
  --set restart-strategy.failure-rate.delay=10ms 2> "$tmp/bad2.log"
st=$?
set -e
n=$(grep -c "restarting in" "$tmp/bad2.log" || true)
if [ $st -eq 1 ] && [ "$n" -eq 1 ]; then
  echo "ok   failure-rate: 1 restart within the interval, then exit 1"
else
  echo "FAIL failure-rate: exit $st after $n restarts"; fails=$((fails + 1))
fi
# An unknown strategy is a usage error.
set +e
"$weir" run "$tmp/bad.sql" --set restart-strategy.type=sometimes 2> "$tmp/bad3.log"
st=$?
set -e
if [ $st -eq 2 ] && grep -q "unknown strategy 'sometimes'" "$tmp/bad3.log"; then
  echo "ok   unknown strategy: exit 2"
else
  echo "FAIL unknown strategy: exit $st"; cat "$tmp/bad3.log"; fails=$((fails + 1))
fi
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
