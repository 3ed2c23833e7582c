-- UNION ALL of inputs with different column types (INT and BIGINT, CHAR and STRING).
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

SELECT order_id AS id, customer AS who, 'order' AS kind FROM orders WHERE amount = 9
UNION ALL
SELECT amount, product, note FROM orders WHERE amount = 1
UNION ALL
SELECT id, name, country FROM customers;
