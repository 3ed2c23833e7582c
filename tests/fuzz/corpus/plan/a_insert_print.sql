-- INSERT INTO a print table; computed column; implicit widening INT -> BIGINT in the sink.
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

CREATE TABLE big_orders (
    id BIGINT,
    who STRING,
    qty BIGINT,
    cents BIGINT
) WITH ('connector' = 'print');

INSERT INTO big_orders
SELECT order_id, customer, amount, CAST(price * 100 AS BIGINT)
FROM orders
WHERE amount > 6;
