-- Legacy SESSION group window per product.
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

SELECT product,
       SESSION_START(ts, INTERVAL '8' SECOND) AS s,
       SESSION_END(ts, INTERVAL '8' SECOND) AS e,
       COUNT(*) AS n
FROM orders
GROUP BY SESSION(ts, INTERVAL '8' SECOND), product;
