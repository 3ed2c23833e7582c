#!/usr/bin/env bash
# savepoint_restore.sh - stop with a savepoint, restore at another parallelism. For every
# query in tests/fault/cases/*.sql (a SELECT over the table `src`, printed), the job runs at
# parallelism 2 and is stopped with a savepoint (SIGTERM with execution.stop-with-savepoint)
# at a random moment; then it is restored from that savepoint at parallelism 1 and at 4 and
# runs to the end. The rows printed before the stop and after the restore together must
# equal one uninterrupted run: as a multiset of rows for append-only results ("-- compare:
# multiset"), or as the final state after applying the changes for updating ones ("--
# compare: final": +I/+U insert a row, -U/-D delete an equal one).
#
# The input is 4 CSV files of rows (id, k, ts_ms, v); each file covers the event time after
# the one before and is ordered up to less than the watermark delay, so no row is late and
# the uninterrupted run is deterministic. Run one case: CASES="name ..." savepoint_restore.sh
# The checkpoints go to a temporary directory, or under FAULT_CKPT_BASE when it is set.
set -euo pipefail
weir=${WEIR_BIN:?WEIR_BIN is not set}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
[ -n "${FAULT_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
RANDOM=${FAULT_SEED:-4242}
fails=0

mkdir -p "$tmp/in"
awk -v dir="$tmp/in" 'BEGIN {
  srand(7);
  for (f = 0; f < 4; f++) {
    file = sprintf("%s/part-%d.csv", dir, f);
    for (i = 0; i < 250000; i++) {
      ts = 1704067200000 + (f * 250000 + i) * 20 + int(rand() * 1500);
      printf "%d,k%d,%.0f,%d\n", f * 1000000 + i, int(rand() * 60), ts, int(rand() * 1000) > file;
    }
    close(file);
  }
}'

header() {
  cat <<SQL
SET 'pipeline.auto-watermark-interval' = '0 ms';
CREATE TABLE src (id BIGINT, k STRING, ts_ms BIGINT, v INT,
  ts AS TO_TIMESTAMP_LTZ(ts_ms, 3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '$tmp/in', 'format' = 'csv');
SQL
}

rows() { sed -E 's/^[0-9]+> //'; } # print lines without the subtask prefix

final_state() { # apply a changelog: the rows left, sorted
  rows | awk '{
    kind = substr($0, 1, 2); row = substr($0, 3);
    if (kind == "+I" || kind == "+U") n[row]++;
    else if (kind == "-U" || kind == "-D") { if (--n[row] == 0) delete n[row]; }
  } END { for (r in n) for (i = 0; i < n[r]; i++) print r }' | LC_ALL=C sort
}

normalize() { # normalize MODE < lines
  if [ "$1" = final ]; then final_state; else rows | LC_ALL=C sort; fi
}

cases=${CASES:-$(cd "$here/cases" && ls *.sql | sed 's/\.sql$//')}
for name in $cases; do
  sql="$here/cases/$name.sql"
  mode=$(sed -n 's/^-- compare: *\([a-z]*\).*/\1/p' "$sql" | head -1)
  [ -n "$mode" ] || { echo "FAIL $name: no '-- compare:' line"; fails=$((fails + 1)); continue; }
  { header; cat "$sql"; } > "$tmp/$name.sql"
  "$weir" run "$tmp/$name.sql" --parallelism 2 > "$tmp/$name.ref" 2> "$tmp/$name.ref.err" || {
    echo "FAIL $name: the uninterrupted run failed"; cat "$tmp/$name.ref.err"; fails=$((fails + 1)); continue; }
  normalize "$mode" < "$tmp/$name.ref" > "$tmp/$name.ref.n"
  for p in 1 4; do
    delay=$((100 + RANDOM % 300))
    for attempt in 1 2 3 4 5 6 7 8; do
      # FAULT_CKPT_BASE: another place for the checkpoints, e.g. an s3:// URL
      # (s3_savepoint_restore.sh); a fresh one per attempt, as it cannot be rm -rf'ed.
      ck="${FAULT_CKPT_BASE:-$tmp}/$name-$p-ck$attempt"
      case $ck in s3://*) ;; *) rm -rf "$ck" ;; esac
      "$weir" run "$tmp/$name.sql" --parallelism 2 --checkpoint-dir "$ck" \
        --set execution.checkpointing.interval=1h --set execution.stop-with-savepoint=true \
        > "$tmp/$name-$p.out1" 2> "$tmp/$name-$p.err1" &
      pid=$!
      sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
      kill -TERM $pid 2>/dev/null || true
      set +e; wait $pid; st=$?; set -e
      sp=$(sed -n 's/^weir: savepoint //p' "$tmp/$name-$p.err1")
      [ $st -eq 0 ] && [ -n "$sp" ] && break
      sp=""
      if [ $st -eq 143 ]; then
        delay=$((delay * 2 + 200)) # the signal came before weir was ready (a slow start)
      else
        delay=$((delay / 2 + 20)) # it ended before the signal: stop it sooner
      fi
    done
    if [ -z "$sp" ]; then
      echo "FAIL $name p=$p: no savepoint taken"; tail -3 "$tmp/$name-$p.err1"; fails=$((fails + 1)); continue
    fi
    if ! "$weir" run "$tmp/$name.sql" --parallelism $p --checkpoint-dir "$ck" --restore "$sp" \
        > "$tmp/$name-$p.out2" 2> "$tmp/$name-$p.err2"; then
      echo "FAIL $name p=$p: the restored run failed"; tail -3 "$tmp/$name-$p.err2"; fails=$((fails + 1)); continue
    fi
    cat "$tmp/$name-$p.out1" "$tmp/$name-$p.out2" | normalize "$mode" > "$tmp/$name-$p.n"
    if cmp -s "$tmp/$name.ref.n" "$tmp/$name-$p.n"; then
      echo "ok   $name: stopped at p=2 after $(wc -l < "$tmp/$name-$p.out1") rows, restored at p=$p"
    else
      echo "FAIL $name: restored at p=$p differs from the uninterrupted run"
      diff "$tmp/$name.ref.n" "$tmp/$name-$p.n" | head -6 || true
      fails=$((fails + 1))
    fi
  done
done
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
