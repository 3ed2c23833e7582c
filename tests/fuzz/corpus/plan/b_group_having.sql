-- Regular GROUP BY with HAVING: an updating result, compared as its final state.
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

SET 'weir.batch-rows' = '5';

SELECT customer, COUNT(*) AS n, SUM(amount) AS qty, AVG(amount) AS avg_qty, MIN(price) AS lo,
       MAX(ts) AS last_ts, COUNT(DISTINCT product) AS products
FROM orders
WHERE note <> 'promo'
GROUP BY customer
HAVING SUM(amount) > 20;
