-- Window aggregation over HOP (slide 10 s, size 30 s), named arguments, no TABLE() wrapper.
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

SELECT window_start, window_end, COUNT(*) AS n, SUM(amount) AS qty, MIN(product) AS first_product
FROM HOP(DATA => TABLE orders, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '10' SECOND, SIZE => INTERVAL '30' SECOND)
GROUP BY window_start, window_end;
