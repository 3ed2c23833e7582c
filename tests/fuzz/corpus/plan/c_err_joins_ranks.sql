-- Errors of joins, ranks, windows and ordering.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    amount INT,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE gen (id BIGINT, v INT) WITH ('connector' = 'datagen');

SELECT * FROM orders AS o JOIN orders AS p ON o.amount > p.amount;
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount) AS rn FROM orders) WHERE rn > 2;
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount) AS rn FROM orders);
SELECT id FROM gen ORDER BY v;
SELECT id FROM gen ORDER BY id;
SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start;
SELECT * FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '7' SECOND, INTERVAL '10' SECOND));
SELECT * FROM orders AS o JOIN orders AS p USING (order_id);
SELECT customer FROM orders UNION ALL SELECT order_id, customer FROM orders;
