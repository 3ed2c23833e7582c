-- DECIMAL 'n.nn' literals: DECIMAL(p, s) from the digits written, in expressions and INSERT.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    product STRING,
    amount INT,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    note STRING
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE out_print (order_id BIGINT, fee DECIMAL(14, 2), disc DECIMAL(14, 3), flag BOOLEAN)
WITH ('connector' = 'print');

INSERT INTO out_print
SELECT order_id, amount * DECIMAL '1.50', price - DECIMAL '-0.125', price > DECIMAL ' 30 '
FROM orders
WHERE price < DECIMAL '40.00';
