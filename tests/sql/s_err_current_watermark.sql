-- CURRENT_WATERMARK is evaluated by projections and filters only (SELECT, WHERE, HAVING);
-- elsewhere it is refused at its position instead of silently being NULL.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    amount INT,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');

SELECT a.order_id FROM orders AS a JOIN orders AS b
ON a.order_id = b.order_id AND a.ts > CURRENT_WATERMARK(a.ts);
SELECT customer, MAX(CURRENT_WATERMARK(ts)) FROM orders GROUP BY customer;
SELECT customer, COUNT(*) FILTER (WHERE ts > CURRENT_WATERMARK(ts)) FROM orders GROUP BY customer;
SELECT COUNT(*) FROM orders GROUP BY CURRENT_WATERMARK(ts);
SELECT order_id FROM orders WHERE CURRENT_WATERMARK(ts) IS NULL OR ts >= CURRENT_WATERMARK(ts);
SELECT a.order_id FROM orders AS a, orders AS b
WHERE a.order_id = b.order_id AND a.ts > CURRENT_WATERMARK(a.ts);
