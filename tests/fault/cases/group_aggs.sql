-- compare: final
-- One-phase GROUP BY (COUNT(DISTINCT) keeps it from splitting): accumulators, distinct maps
-- and row counts are keyed state; updates after the restore retract the results from before.
SELECT k, COUNT(*) AS n, SUM(v) AS total, MIN(v) AS lo, MAX(v) AS hi, AVG(v) AS mean,
  COUNT(DISTINCT v) AS vals
FROM src GROUP BY k;
