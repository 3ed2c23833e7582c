-- ordered
-- ORDER BY .. LIMIT over a bounded input.
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

SELECT order_id, customer, price FROM orders ORDER BY price DESC, order_id LIMIT 7;
