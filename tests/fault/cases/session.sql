-- compare: multiset
-- SESSION windows per key: open sessions (boundaries and accumulators) and the fired-up-to
-- position are restored by key group; a session must neither fire twice nor lose rows. Rows
-- of one key are ~1.2 s apart on average, so a 3 s gap makes sessions of ~15 rows, many of
-- them open across the stop.
SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total, MAX(v) AS hi
FROM TABLE(SESSION(TABLE src PARTITION BY k, DESCRIPTOR(ts), INTERVAL '3' SECOND))
GROUP BY k, window_start, window_end;
