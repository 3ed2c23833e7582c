-- Cascaded windows: window_time of an inner window aggregation drives an outer TUMBLE.
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

CREATE TEMPORARY VIEW per_10s AS
SELECT window_time AS rt, customer, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, window_time, customer;

SELECT window_start, window_end, SUM(n) AS total, COUNT(*) AS groups
FROM TABLE(TUMBLE(TABLE per_10s, DESCRIPTOR(rt), INTERVAL '30' SECOND))
GROUP BY window_start, window_end;
