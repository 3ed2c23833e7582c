-- compare: multiset
-- Window Top-N over a window aggregation, partitioned only by the window (the Top-N's input
-- is hashed by window_start, window_end): the 3 keys with the most rows per 10 s window.
SELECT window_start, window_end, k, n, rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end
                               ORDER BY n DESC, k) AS rn
  FROM (
    SELECT window_start, window_end, k, COUNT(*) AS n
    FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, k))
WHERE rn <= 3;
