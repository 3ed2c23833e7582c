-- compare: final
-- A plain GROUP BY (two-phase at parallelism 2 and 4, one-phase at 1): the global phase and
-- the one-phase operator share their uid and state, so the restore at 1 takes it.
SELECT k, COUNT(*) AS n, SUM(v) AS total, MIN(v) AS lo, MAX(v) AS hi
FROM src
GROUP BY k;
