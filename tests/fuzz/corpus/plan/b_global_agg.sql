-- Aggregation without GROUP BY: one updating row.
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

SELECT COUNT(*) AS n, SUM(amount) AS qty, MIN(ts) AS first_ts, MAX(customer) AS last_name FROM orders;
