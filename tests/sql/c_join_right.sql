-- RIGHT JOIN of an append-only table with an updating aggregation: every customer-count
-- row appears, padded while no order row of its customer has arrived (and the padded row
-- retracted when one does); customers without orders stay padded.
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

SET 'weir.batch-rows' = '3';

SELECT o.order_id, o.product, t.name, t.country, t.n
FROM (SELECT * FROM orders WHERE amount > 6) AS o
RIGHT JOIN (SELECT c.name, c.country, COUNT(*) AS n FROM customers AS c GROUP BY c.name, c.country) AS t
ON o.customer = t.name;
