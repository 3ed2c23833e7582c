-- Window aggregation over TUMBLE: COUNT, SUM, MAX, COUNT(DISTINCT), FILTER.
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

SELECT window_start, window_end, customer,
       COUNT(*) AS n,
       SUM(amount) AS qty,
       MAX(price) AS top,
       COUNT(DISTINCT product) AS products,
       SUM(amount) FILTER (WHERE note = 'gift') AS gift_qty
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, customer;
