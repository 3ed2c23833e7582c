-- compare: multiset
-- Window join of two TUMBLE windowed inputs: the buffered rows of open windows are restored
-- on the instance that owns their key group and each window fires once.
SELECT a.k, a.window_start, a.id, b.id AS bid, a.v + b.v AS vv
FROM (SELECT * FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      WHERE v < 60) a
JOIN (SELECT * FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      WHERE v >= 940) b
ON a.window_start = b.window_start AND a.window_end = b.window_end AND a.k = b.k;
