-- compare: final
-- An aggregate over an aggregate: the outer one consumes -U/+U (retractable MIN/MAX keep
-- multisets), so restored state must retract exactly what was emitted before the stop.
-- (COUNT(DISTINCT) keeps the inner one in one phase at every parallelism.)
SELECT MOD(n, 7) AS b, COUNT(*) AS keys, SUM(total) AS total, MIN(total) AS lo,
  MAX(total) AS hi, SUM(vals) AS vals
FROM (SELECT k, COUNT(*) AS n, SUM(v) AS total, COUNT(DISTINCT v) AS vals FROM src GROUP BY k)
GROUP BY MOD(n, 7);
