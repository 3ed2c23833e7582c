-- compare: multiset
-- Window deduplication, keep first: the earliest row per key and 20 s window. The kept row
-- of every open window is restored by key group.
SELECT window_start, k, id, v
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts) AS rn
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '20' SECOND)))
WHERE rn = 1;
