-- compare: multiset
-- Window Top-N over the rows of a TUMBLE window: the 2 largest v per key and 20 s window.
-- The buffered rows of open windows (with their arrival sequence) are restored by the key
-- group of (k, window_start, window_end); rows of windows fired before the stop stay late.
SELECT window_start, k, id, v, rn
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k
                               ORDER BY v DESC, id) AS rn
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '20' SECOND)))
WHERE rn <= 2;
