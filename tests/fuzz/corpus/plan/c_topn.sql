-- Top-N: the two most expensive orders per customer, with the row number.
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

SET 'weir.batch-rows' = '6';

SELECT customer, order_id, price, rn
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY price DESC, order_id) AS rn FROM orders)
WHERE rn <= 2;
