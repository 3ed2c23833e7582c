-- Regular inner equi-join of two append-only tables (append-only result).
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

SELECT o.order_id, c.country, o.amount * 10 AS tenfold
FROM orders AS o JOIN customers AS c ON o.customer = c.name
WHERE o.price > 20;
