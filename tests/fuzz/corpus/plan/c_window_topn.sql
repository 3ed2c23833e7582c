-- Window Top-N over a window aggregation: the best two products of every 30 s window.
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

SELECT window_start, window_end, product, qty, rn
FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY qty DESC, product) AS rn
    FROM (
        SELECT window_start, window_end, product, SUM(amount) AS qty
        FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '30' SECOND))
        GROUP BY window_start, window_end, product
    )
)
WHERE rn <= 2;
