// duckdb-query.mjs - runs a SQL script in DuckDB and prints the rows of its last statement
// as weir's print sink would ("+I[v1, v2, ...]", NULL as null, TIMESTAMP as
// yyyy-MM-ddTHH:mm:ss.SSS), one per line. The tests compare weir's output with this: an
// independent engine computing the same answer as a batch query.
// Usage: node duckdb-query.mjs FILE.sql   (or the SQL on stdin)
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const sql = readFileSync(process.argv[2] ?? 0, 'utf8');
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run("SET TimeZone = 'UTC'");
const statements = sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter((s) => s.length > 0);
let reader = null;
for (const s of statements) reader = await con.runAndReadAll(s);
if (!reader) process.exit(0);

// Java's Double.toString, which Flink's print sink uses: shortest round-trip digits,
// scientific notation ("1.0E7") outside [1e-3, 1e7), and always a fraction digit.
function javaDouble(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, exp] = x.toExponential().split('e');
  const m = mant.includes('.') ? mant : mant + '.0';
  return `${m}E${Number(exp)}`;
}

function fmt(v, type) {
  if (v === null || v === undefined) return 'null';
  const t = String(type);
  if (t === 'DOUBLE' || t === 'FLOAT') return javaDouble(Number(v));
  if (t.startsWith('TIMESTAMP')) {
    // DuckDB's text form is "yyyy-MM-dd HH:mm:ss[.ffffff]"; Flink prints TIMESTAMP(3).
    const s = String(v);
    const m = s.match(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?/);
    if (!m) return s;
    const frac = ((m[3] ?? '') + '000').slice(0, 3);
    return `${m[1]}T${m[2]}.${frac}`;
  }
  return String(v);
}

const cols = reader.columnCount;
const types = [];
for (let c = 0; c < cols; c++) types.push(reader.columnType(c));
const rows = reader.getRows();
const out = [];
for (const r of rows) {
  const vals = [];
  for (let c = 0; c < cols; c++) {
    const v = r[c];
    vals.push(fmt(v === null ? null : (typeof v === 'object' && v.toString ? v.toString() : v), types[c]));
  }
  out.push(`+I[${vals.join(', ')}]`);
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
