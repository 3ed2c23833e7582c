-- compare: multiset
-- Window deduplication, keep last: the latest row per key and 20 s window (a later row
-- with an equal rowtime replaces the kept one, so the arrival sequence must survive).
SELECT window_start, k, id, v
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts DESC) AS rn
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '20' SECOND)))
WHERE rn = 1;
