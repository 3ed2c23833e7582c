-- compare: multiset
-- TUMBLE window aggregation: append-only results.
SELECT k, window_start, COUNT(*) AS n, SUM(v) AS total, MAX(v) AS hi
FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
