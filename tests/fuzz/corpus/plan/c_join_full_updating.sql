-- FULL OUTER JOIN of a table with an updating aggregation.
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

SET 'weir.batch-rows' = '4';

SELECT c.name, c.country, t.customer, t.n
FROM customers AS c
FULL OUTER JOIN (SELECT customer, COUNT(*) AS n FROM orders GROUP BY customer) AS t
ON c.name = t.customer;
