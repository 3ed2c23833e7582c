-- A view, a CTE and a subquery in FROM, stacked.
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

CREATE TEMPORARY VIEW priced AS
SELECT order_id, customer, amount * price AS total FROM orders;

WITH big AS (SELECT * FROM priced WHERE total > 100)
SELECT b.customer, b.total, b.order_id
FROM (SELECT customer, total, order_id FROM big WHERE customer LIKE '%a%') AS b;
