-- Legacy group windows: GROUP BY TUMBLE(ts, ..) with TUMBLE_START/_END/_ROWTIME.
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

SELECT customer,
       TUMBLE_START(ts, INTERVAL '15' SECOND) AS ws,
       TUMBLE_END(ts, INTERVAL '15' SECOND) AS we,
       TUMBLE_ROWTIME(ts, INTERVAL '15' SECOND) AS rt,
       COUNT(*) AS n,
       SUM(amount * 2) AS twice
FROM orders
GROUP BY TUMBLE(ts, INTERVAL '15' SECOND), customer;
