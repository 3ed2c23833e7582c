-- compare: multiset
-- HOP windows share slices between windows: restored slices must not fire twice.
SELECT k, window_end, COUNT(*) AS n, MIN(v) AS lo
FROM TABLE(HOP(TABLE src, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND))
GROUP BY k, window_start, window_end;
