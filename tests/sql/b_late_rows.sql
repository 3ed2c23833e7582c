-- parallelism: 1
-- Late rows at the SQL level: out-of-order input (data/late.csv, ids in arrival order)
-- where about one row in four jumps back up to 9 s, behind a 2 s watermark delay. With
-- per-record watermark emission (interval 0) the watermark a row meets is the largest
-- ts - 2 s of the rows before it; a row is dropped when its window has fired, i.e. its
-- window end - 1 ms <= that watermark (Flink's isWindowFired). The DuckDB query computes
-- the watermark per row and keeps the rows that are not late. One source subtask: with
-- several, which rows are late also depends on when the idle subtasks' end arrives.
CREATE TABLE events (
    id BIGINT, k STRING, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/late.csv', 'format' = 'csv');

SET 'pipeline.auto-watermark-interval' = '0';
SET 'weir.batch-rows' = '7';

SELECT window_start, window_end, k, COUNT(*) AS n, SUM(v) AS total, MIN(id) AS first_id
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY window_start, window_end, k;
