-- LEFT JOIN with a residual condition and keys of different types (INT = BIGINT): an
-- updating result (a padded row is retracted when its match arrives).
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
CREATE TABLE customers (id BIGINT, name STRING, country STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/customers.csv', 'format' = 'csv');

SET 'weir.batch-rows' = '7';

SELECT o.order_id, o.customer, c.id, c.country
FROM orders AS o LEFT JOIN customers AS c ON o.amount = c.id AND c.country <> 'FR';
