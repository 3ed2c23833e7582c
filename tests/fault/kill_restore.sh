#!/usr/bin/env bash
# kill_restore.sh - exactly-once across crashes. A statement set reads a directory of CSV
# files with an event-time watermark and writes (a) every row, transformed, and (b) a
# TUMBLE window aggregation, into two exactly-once filesystem sinks. The job is killed with
# SIGKILL many times - at random moments and at each named crash point (a snapshot file
# stored, before and after a manifest is written, between two part-file commits) - and each
# time restarted with `--restore latest`, until it finishes. Then the committed output must
# equal, as a multiset of lines, the output of one uninterrupted run without checkpoints.
# A second round does the same with storage faults injected (failed writes, torn writes,
# flipped bytes), which make checkpoints fail but never make a restore use a bad one.
set -euo pipefail
weir=${WEIR_BIN:?WEIR_BIN is not set}
tmp=$(mktemp -d)
[ -n "${FAULT_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
fails=0
seed=${FAULT_SEED:-20261124}
RANDOM=$seed

# Input: 4 files of rows "id,k,ts,v"; each file covers the 50 minutes of event time after
# the one before (a source subtask reads its files in name order, so its rows never fall
# behind its own watermark), increasing within a file with a little disorder (less than the
# 2-second watermark delay): no row is late, and the uninterrupted run is deterministic.
mkdir -p "$tmp/in"
awk -v seed="$seed" 'BEGIN {
  srand(seed);
  for (f = 0; f < 4; f++) {
    file = sprintf("'"$tmp"'/in/part-%d.csv", f);
    for (i = 0; i < 150000; i++) {
      ts = 1704067200000 + (f * 150000 + i) * 20 + int(rand() * 1500);
      printf "%d,k%d,%.0f,%d\n", f * 1000000 + i, int(rand() * 40), ts, int(rand() * 1000) > file;
    }
    close(file);
  }
}'

job() { # job OUT_DIR: the job's SQL
  cat <<SQL
SET 'pipeline.auto-watermark-interval' = '0 ms';
CREATE TABLE src (id BIGINT, k STRING, ts_ms BIGINT, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '$tmp/in', 'format' = 'csv');
CREATE TABLE pass (id BIGINT, k STRING, v2 INT)
  WITH ('connector' = 'filesystem', 'path' = '$1/pass', 'format' = 'csv',
        'sink.rolling-policy.file-size' = '64kb');
CREATE TABLE win (k STRING, window_end TIMESTAMP(3), n BIGINT, total BIGINT, hi INT)
  WITH ('connector' = 'filesystem', 'path' = '$1/win', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO pass SELECT id, UPPER(k), v * 2 FROM src WHERE v % 7 <> 0;
INSERT INTO win SELECT k, window_end, COUNT(*), SUM(CAST(v AS BIGINT)), MAX(v)
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY k, window_start, window_end;
END;
SQL
}

committed() { # committed DIR: the committed rows of both sinks, sorted
  find "$1" -type f -name 'part-*' -exec cat {} + | LC_ALL=C sort
}

# The reference: one run, no checkpoints.
mkdir -p "$tmp/ref"
job "$tmp/ref" > "$tmp/ref.sql"
"$weir" run "$tmp/ref.sql" --parallelism 2 > /dev/null
committed "$tmp/ref" > "$tmp/ref.txt"
nref=$(wc -l < "$tmp/ref.txt")
[ "$nref" -gt 100000 ] || { echo "FAIL reference run wrote only $nref rows"; exit 1; }

# run_until_done NAME [ENV...]: start, kill or crash, restart with --restore latest until
# the job exits 0. Each start gets a random kill delay unless it crashes by itself.
run_until_done() {
  local name=$1; shift
  local out="$tmp/$name" ck="$tmp/$name-ckpt"
  mkdir -p "$out"
  job "$out" > "$tmp/$name.sql"
  local runs=0 kills=0 status
  while :; do
    runs=$((runs + 1))
    if [ $runs -gt 60 ]; then echo "FAIL $name: not done after 60 runs"; fails=$((fails + 1)); return; fi
    env "$@" "$weir" run "$tmp/$name.sql" --parallelism 2 --checkpoint-dir "$ck" --restore latest \
      --set execution.checkpointing.interval=40ms --set state.checkpoints.num-retained=2 \
      --set execution.checkpointing.tolerable-failed-checkpoints=1000000 \
      > /dev/null 2>> "$tmp/$name.log" &
    local pid=$!
    if [ "${KILL_RANDOMLY:-1}" = 1 ]; then
      # Later attempts get more time, so that a run of bad luck still ends.
      local delay_ms=$((50 + RANDOM % 400 + runs * 25))
      ( sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"; kill -9 $pid 2>/dev/null ) &
      local killer=$!
    fi
    set +e; wait $pid 2>/dev/null; status=$?; set -e
    [ "${KILL_RANDOMLY:-1}" = 1 ] && { kill $killer 2>/dev/null || true; wait $killer 2>/dev/null || true; }
    if [ $status -eq 0 ]; then break; fi
    if [ $status -ne 137 ]; then
      echo "FAIL $name: run $runs exited $status"; tail -5 "$tmp/$name.log"; fails=$((fails + 1)); return
    fi
    kills=$((kills + 1))
    set -- "${@/WEIR_CRASH_AT=*/WEIR_CRASH_AT=}"  # a crash point fires once; later runs go on
  done
  committed "$out" > "$tmp/$name.txt"
  if cmp -s "$tmp/ref.txt" "$tmp/$name.txt"; then
    echo "ok   $name: $kills kills, $runs runs, $(wc -l < "$tmp/$name.txt") rows exactly once"
  else
    echo "FAIL $name: output differs from the uninterrupted run after $kills kills"
    diff <(uniq -c "$tmp/ref.txt") <(uniq -c "$tmp/$name.txt") | head -10
    fails=$((fails + 1))
  fi
}

if [ -n "${FAULT_ONLY:-}" ]; then
  run_until_done "only" WEIR_CRASH_AT= "WEIR_STORAGE_FAULTS=$FAULT_ONLY"
  echo "kept in $tmp"; exit $fails
fi
for i in 1 2 3; do run_until_done "random-$i" WEIR_CRASH_AT=; done
for point in ckpt.upload:3 ckpt.manifest:2 ckpt.complete:2 fs.commit:1; do
  KILL_RANDOMLY=0 run_until_done "crash-${point%%:*}" "WEIR_CRASH_AT=$point"
done
for i in 1 2; do
  run_until_done "storage-faults-$i" WEIR_CRASH_AT= \
    "WEIR_STORAGE_FAULTS=put-fail=0.05,short-write=0.03,corrupt=0.03,seed=$((seed + i))"
done

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
