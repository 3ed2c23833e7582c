-- Deduplication on event time: the first order of every product (ORDER BY ts ASC, rn = 1).
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

SELECT product, order_id, ts
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY product ORDER BY ts ASC) AS rownum FROM orders)
WHERE rownum = 1;
