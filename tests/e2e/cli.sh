#!/usr/bin/env bash
# cli.sh - the weir binary: exit codes and messages for bad usage, settings validation, and
# the demo job's results (every generated event is counted exactly once, at parallelism 1
# and 4, and the two give the same windows).
set -u
weir=${WEIR_BIN:?WEIR_BIN not set}
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # check NAME EXPECTED_STATUS EXPECTED_STDERR_SUBSTRING -- command...
  local name=$1 want=$2 text=$3
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  if [ "$st" != "$want" ]; then
    echo "FAIL $name: exit $st, expected $want"; cat "$tmp/err"; fails=$((fails + 1)); return
  fi
  if [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/err" "$tmp/out"; then
    echo "FAIL $name: output lacks '$text'"; cat "$tmp/err"; fails=$((fails + 1)); return
  fi
  echo "ok   $name"
}

check version 0 "weir " -- "$weir" version
check help-config 0 "pipeline.auto-watermark-interval" -- "$weir" help config
check no-command 2 "usage" -- "$weir"
check unknown-command 2 "did you mean 'demo'" -- "$weir" demoo
check run-missing-file 2 "cannot read" -- "$weir" run "$tmp/nope.sql"
echo "SELECT 1;" > "$tmp/q.sql"
check run-select 0 "+I[1]" -- "$weir" run "$tmp/q.sql"
check run-bad-set 2 "did you mean 'parallelism.default'" -- "$weir" run "$tmp/q.sql" --set parallelism.defualt=2
check demo-bad-rows 2 "--rows" -- "$weir" demo --rows abc
check demo-bad-setting 2 "expected an integer" -- "$weir" demo --set weir.batch-rows=lots

# docs/configuration.md carries the generated settings table.
src=${WEIR_SRC:-.}
"$weir" help config > "$tmp/config.md"
if diff <(grep '^|' "$tmp/config.md") <(grep '^|' "$src/docs/configuration.md") >/dev/null; then
  echo "ok   docs/configuration.md is current"
else
  echo "FAIL docs/configuration.md differs from 'weir help config'"; fails=$((fails + 1))
fi

# The demo: 20000 events at 10 ms of event time each = 200 s; 10 s windows. Every event
# is counted once, so the counts of all printed rows add up to the number of events.
for p in 1 4; do
  "$weir" demo --rows 20000 --rate 0 --parallelism $p --seed 7 >"$tmp/demo$p" 2>"$tmp/demo$p.err"
  st=$?
  if [ $st != 0 ]; then echo "FAIL demo p=$p: exit $st"; cat "$tmp/demo$p.err"; fails=$((fails + 1)); continue; fi
  total=$(sed -E 's/^[0-9]+> //' "$tmp/demo$p" | awk -F', ' '/^\+I\[/ { gsub(/\]/, "", $4); s += $4 } END { print s + 0 }')
  windows=$(sed -E 's/^[0-9]+> //' "$tmp/demo$p" | awk -F', ' '{print $2}' | sort -u | wc -l)
  if [ "$total" != 20000 ] || [ "$windows" != 20 ]; then
    echo "FAIL demo p=$p: counts add up to $total over $windows windows (want 20000 over 20)"; fails=$((fails + 1))
  else
    echo "ok   demo p=$p"
  fi
done
# The SQL demo (examples/demo.sql): 20000 clicks counted in 10 s windows per user and joined
# with five users; the counts add up to the events, at parallelism 1 and 4.
for p in 1 4; do
  (cd "$src" && "$weir" run examples/demo.sql --parallelism $p) >"$tmp/sqldemo$p" 2>"$tmp/sqldemo$p.err"
  st=$?
  total=$(sed -E 's/^[0-9]+> //' "$tmp/sqldemo$p" | awk -F', ' '/^\+I\[/ { gsub(/\]/, "", $5); s += $5 } END { print s + 0 }')
  if [ $st != 0 ] || [ "$total" != 20000 ]; then
    echo "FAIL sql demo p=$p: exit $st, counts add up to $total (want 20000)"; cat "$tmp/sqldemo$p.err"; fails=$((fails + 1))
  else
    echo "ok   sql demo p=$p"
  fi
done
# An unbounded SQL job runs until SIGTERM, then stops cleanly (exit 0) with its rows printed.
printf "CREATE TABLE g (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100');\nSELECT id FROM g;\n" >"$tmp/unbounded.sql"
"$weir" run "$tmp/unbounded.sql" >"$tmp/unbounded.out" 2>"$tmp/unbounded.err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
st=$?
rows=$(grep -c '^+I\[' "$tmp/unbounded.out")
if [ $st != 0 ] || [ "$rows" -lt 1 ]; then
  echo "FAIL sql unbounded stop: exit $st, $rows rows"; cat "$tmp/unbounded.err"; fails=$((fails + 1))
else
  echo "ok   sql unbounded stop ($rows rows)"
fi
# The built-in demo stops the same way.
"$weir" demo --rows 0 --rate 1000 --sink blackhole >/dev/null 2>"$tmp/demo-stop.err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
st=$?
if [ $st != 0 ] || ! grep -q "events" "$tmp/demo-stop.err"; then
  echo "FAIL demo unbounded stop: exit $st"; cat "$tmp/demo-stop.err"; fails=$((fails + 1))
else
  echo "ok   demo unbounded stop"
fi
# A job that fails while running exits 1 with the message.
printf "SELECT CAST(x AS INT) FROM (VALUES ('1'), ('abc')) AS t(x);\n" >"$tmp/fails.sql"
check sql-job-fails 1 "cannot cast 'abc' to INT" -- "$weir" run "$tmp/fails.sql"
printf "SELECT y FROM (VALUES (1)) AS t(x);\n" >"$tmp/bad.sql"
check sql-error 2 "bad.sql:1:8: column 'y' not found in any table" -- "$weir" run "$tmp/bad.sql"
exit $fails
