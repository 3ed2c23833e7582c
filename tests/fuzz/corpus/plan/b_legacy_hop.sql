-- Legacy HOP group window (slide first, then size).
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

SELECT HOP_START(ts, INTERVAL '20' SECOND, INTERVAL '40' SECOND) AS ws,
       HOP_END(ts, INTERVAL '20' SECOND, INTERVAL '40' SECOND) AS we,
       product, COUNT(*) AS n
FROM orders
GROUP BY HOP(ts, INTERVAL '20' SECOND, INTERVAL '40' SECOND), product;
