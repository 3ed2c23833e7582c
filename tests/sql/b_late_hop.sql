-- parallelism: 1
-- Late rows in a HOP aggregation (size 10 s, slide 5 s) over the out-of-order data/late.csv:
-- a row behind the watermark is dropped only from the windows that have already fired;
-- the later windows of its slice still count it (Flink's slicing window operator drops a
-- row only when the last window of its slice has fired). The DuckDB query computes each
-- row's watermark (largest ts - 2 s before it, per-record emission) and keeps the row in
-- every window whose end - 1 ms is above it. One source subtask, as in b_late_rows.
CREATE TABLE events (
    id BIGINT, k STRING, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/late.csv', 'format' = 'csv');

SET 'pipeline.auto-watermark-interval' = '0';
SET 'weir.batch-rows' = '5';

SELECT window_start, window_end, k, COUNT(*) AS n, SUM(v) AS total, MAX(id) AS last_id
FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end, k;
