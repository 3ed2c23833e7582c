-- A window TVF in a subquery with a filter, an expression as group key, a window offset,
-- and HAVING on the window aggregation.
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

SELECT window_start, window_end, UPPER(customer) AS who, COUNT(*) AS n, MAX(amount) AS most
FROM (
    SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '20' SECOND, INTERVAL '5' SECOND))
    WHERE product <> 'apple'
)
GROUP BY window_start, window_end, UPPER(customer)
HAVING COUNT(*) >= 2;
