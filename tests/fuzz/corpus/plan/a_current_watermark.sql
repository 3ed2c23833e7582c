-- CURRENT_WATERMARK(rowtime) in a filter and a projection: Flink's idiom for dropping
-- late rows keeps every row here (orders.csv is never late for a 1 s delay), and the
-- watermark is NULL or at most the row's time.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    product STRING,
    amount INT,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    note STRING,
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
SET 'weir.batch-rows' = '4';

SELECT order_id, ts,
       CURRENT_WATERMARK(ts) IS NULL OR CURRENT_WATERMARK(ts) <= ts AS not_late
FROM orders
WHERE CURRENT_WATERMARK(ts) IS NULL OR ts >= CURRENT_WATERMARK(ts);
