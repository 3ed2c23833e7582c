#!/usr/bin/env bash
# run.sh - the SQL golden tests. Each tests/sql/<case>.sql runs with `weir run` at
# parallelism 1 and 4, from this directory (input files are data/...), and is compared with
#   <case>.err         negative case: exit status 2 and exactly these error lines on stderr
#   <case>.fail        the job fails while running: exit status 1 and this line on stderr
#   <case>.out         expected print-sink lines
#   <case>.duckdb.sql  the equivalent batch query, run by the DuckDB oracle
#                      (tests/oracle/duckdb-query.mjs) at test time; <case>.<id>.duckdb.sql
#                      gives the rows of the print sink with print-identifier <id>
# Outputs are compared order-free: "N> " subtask prefixes are dropped ("id:N> " becomes
# "id> "), and a changelog (lines with -U, +U, -D) is applied and compared as its final
# state. A case with a line "-- ordered" is also compared line by line at parallelism 1:
# with its .out, or else with the rows of its one <case>.duckdb.sql in the oracle's order
# (that query must have an ORDER BY); a marker that cannot be honoured fails the case. A
# line "-- parallelism: N [M...]" runs the case only at those parallelisms (default 1 4).
# A line "-- upsert-key: N [M...]" says weir's output is an upsert stream keyed by those
# fields (1-based): +I/+U replace the row of their key, -U/-D delete it; the final rows are
# compared with the expected ones. A case with a line "-- output: DIR" writes into a filesystem table at DIR
# (relative to this directory, removed before each run): the committed files' lines L are
# compared as "+I[L]" (make the DuckDB query return one VARCHAR column holding the line).
# Usage: run.sh [CASE...]   (WEIR_BIN: the binary; WEIR_SRC: the source tree)
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${WEIR_SRC:-$(cd "$here/../.." && pwd)}
weir=${WEIR_BIN:-$src/build/weir}
oracle="$src/tests/oracle/duckdb-query.mjs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0

# Drop subtask prefixes; apply a changelog; sort. With upsert key fields ($2: 1-based
# field numbers, "" for none) the weir output is an upsert stream: +I/+U replace the row
# with the same key, -U/-D delete it (fields are split at ", ": keep commas out of them).
normalize() {
    sed -E -e 's/^[0-9]+> //' -e 's/^([^:> ]+):[0-9]+> /\1> /' "$1" | awk -v ukey="${2:-}" '
        BEGIN { nk = split(ukey, kf, " ") }
        { line = $0; pre = ""
          i = index(line, "> "); b = index(line, "[")
          if (i > 0 && (b == 0 || i < b)) { pre = substr(line, 1, i + 1); line = substr(line, i + 2) }
          kind = substr(line, 1, 2); key = pre SUBSEP substr(line, 3)
          if (nk > 0 && (kind == "+I" || kind == "+U" || kind == "-U" || kind == "-D")) {
              body = substr(line, 4, length(line) - 4); nf = split(body, f, ", "); uk = pre
              for (j = 1; j <= nk; j++) uk = uk SUBSEP f[kf[j]]
              if (kind == "+I" || kind == "+U") up[uk] = pre "+I" substr(line, 3)
              else delete up[uk]
              next }
          if (kind == "+I" || kind == "+U") n[key]++
          else if (kind == "-U" || kind == "-D") n[key]--
          else { if (line != "") other[++no] = $0; next }
          seen[key] = 1 }
        END { for (k in seen) { split(k, part, SUBSEP)
                                if (n[k] < 0) print "!! retraction of a row never added: " part[1] part[2]
                                for (i = 0; i < n[k]; i++) print part[1] "+I" part[2] }
              for (k in up) print up[k]
              for (i = 1; i <= no; i++) print other[i] }' | LC_ALL=C sort
}

fail() {
    echo "FAIL $1"
    fails=$((fails + 1))
}

run_case() {
    local name=$1 sql="$here/$1.sql"
    local expected="$tmp/$name.expected"
    local ordered="" pars="1 4" ordered_ref=""
    grep -q '^-- ordered[[:space:]]*$' "$sql" && ordered=1
    local upsert
    upsert=$(sed -n 's/^-- upsert-key:[[:space:]]*//p' "$sql" | head -1)
    if ! [[ $upsert =~ ^([1-9][0-9]*[[:space:]]*)*$ ]]; then
        fail "$name: bad '-- upsert-key:' marker '$upsert' (expected field numbers)"; return
    fi
    if grep -q '^-- parallelism:' "$sql"; then
        pars=$(sed -n 's/^-- parallelism:[[:space:]]*//p' "$sql" | head -1)
        if ! [[ $pars =~ ^[0-9]+([[:space:]]+[0-9]+)*[[:space:]]*$ ]]; then
            fail "$name: bad '-- parallelism:' marker '$pars' (expected numbers)"; return
        fi
    fi
    if [ -n "$ordered" ]; then
        # Honour '-- ordered' or fail: never skip the order check silently.
        local why=""
        if [ -f "$here/$name.err" ]; then
            why="a negative case (.err) has no output order"
        elif [[ " $pars " != *" 1 "* ]]; then
            why="the order is checked at parallelism 1, which '-- parallelism:' excludes"
        elif grep -q '^-- output:' "$sql"; then
            why="the files of '-- output:' have no order"
        elif [ -f "$here/$name.out" ]; then
            ordered_ref="$here/$name.out"
        elif [ -f "$here/$name.duckdb.sql" ] && ! ls "$here/$name".?*.duckdb.sql >/dev/null 2>&1; then
            if ! grep -qi 'order[[:space:]]\+by' "$here/$name.duckdb.sql"; then
                why="$name.duckdb.sql has no ORDER BY, so its row order means nothing"
            else
                ordered_ref="$tmp/$name.oracle-ordered"
            fi
        else
            why="no $name.out and no single $name.duckdb.sql to take the order from"
        fi
        if [ -n "$why" ]; then
            fail "$name: '-- ordered' cannot be honoured: $why"; return
        fi
    fi
    if [ -f "$here/$name.err" ]; then
        for p in $pars; do
            (cd "$here" && timeout 120 "$weir" run "$name.sql" --parallelism $p) \
                >"$tmp/out" 2>"$tmp/err"
            local st=$?
            grep -v '^weir: ' "$tmp/err" >"$tmp/err.lines"
            if [ $st != 2 ]; then
                fail "$name p=$p: exit $st, expected 2"; cat "$tmp/err"; return
            fi
            if ! diff -u "$here/$name.err" "$tmp/err.lines" >"$tmp/diff"; then
                fail "$name p=$p: error messages differ"; cat "$tmp/diff"; return
            fi
        done
        echo "ok   $name (errors)"
        passes=$((passes + 1))
        return
    fi
    if [ -f "$here/$name.fail" ]; then
        # A job that fails while running: exit status 1, its message on stderr.
        for p in $pars; do
            (cd "$here" && timeout 120 "$weir" run "$name.sql" --parallelism $p) \
                >"$tmp/out" 2>"$tmp/err"
            local st=$?
            if [ $st != 1 ]; then
                fail "$name p=$p: exit $st, expected 1"; cat "$tmp/err"; return
            fi
            if ! grep -qxF -f "$here/$name.fail" "$tmp/err"; then
                fail "$name p=$p: the failure message differs"; cat "$tmp/err"; return
            fi
        done
        echo "ok   $name (job failure)"
        passes=$((passes + 1))
        return
    fi
    if [ -f "$here/$name.out" ]; then
        normalize "$here/$name.out" "$upsert" >"$expected"
    elif ls "$here/$name".*duckdb.sql >/dev/null 2>&1; then
        : >"$tmp/oracle"
        for q in "$here/$name".*duckdb.sql; do
            # <case>.duckdb.sql: plain rows; <case>.<id>.duckdb.sql: rows of print sink 'id'.
            local id=${q#"$here/$name".}
            id=${id%duckdb.sql}
            id=${id%.}
            if ! (cd "$here" && node "$oracle" "$(basename "$q")") >"$tmp/rows" 2>"$tmp/oracle.err"; then
                fail "$name: the DuckDB oracle failed on $(basename "$q")"; cat "$tmp/oracle.err"; return
            fi
            if [ -n "$id" ]; then sed "s/^/$id> /" "$tmp/rows" >>"$tmp/oracle"; else cat "$tmp/rows" >>"$tmp/oracle"; fi
        done
        [ -n "$ordered_ref" ] && cp "$tmp/oracle" "$ordered_ref"
        normalize "$tmp/oracle" >"$expected"
    else
        fail "$name: no $name.out, $name.duckdb.sql or $name.err beside it"; return
    fi
    local outdir
    outdir=$(sed -n 's/^-- output: *//p' "$sql" | head -1)
    for p in $pars; do
        [ -n "$outdir" ] && rm -rf "${here:?}/$outdir"
        (cd "$here" && timeout 120 "$weir" run "$name.sql" --parallelism $p) \
            >"$tmp/out" 2>"$tmp/err"
        local st=$?
        if [ $st != 0 ]; then
            fail "$name p=$p: exit $st"; cat "$tmp/err"; return
        fi
        if [ -n "$outdir" ]; then
            find "$here/$outdir" -type f ! -name '.*' -exec cat {} + | sed 's/^\(.*\)$/+I[\1]/' >>"$tmp/out"
            rm -rf "${here:?}/$outdir"
        fi
        normalize "$tmp/out" "$upsert" >"$tmp/actual"
        if ! diff -u "$expected" "$tmp/actual" >"$tmp/diff"; then
            fail "$name p=$p: output differs (- expected, + weir)"; head -40 "$tmp/diff"; return
        fi
        if [ $p = 1 ] && [ -n "$ordered" ]; then
            sed -E 's/^[0-9]+> //' "$tmp/out" >"$tmp/out.ordered"
            if ! diff -u "$ordered_ref" "$tmp/out.ordered" >"$tmp/diff"; then
                fail "$name p=1: order differs (- expected, + weir)"; head -40 "$tmp/diff"; return
            fi
        fi
    done
    echo "ok   $name"
    passes=$((passes + 1))
}

if [ $# -gt 0 ]; then
    cases=("$@")
else
    cases=()
    for f in "$here"/*.sql; do
        case "$f" in *.duckdb.sql) continue ;; esac
        cases+=("$(basename "$f" .sql)")
    done
fi
for c in "${cases[@]}"; do
    run_case "$c"
done
echo "$passes passed, $fails failed"
[ $fails = 0 ]
