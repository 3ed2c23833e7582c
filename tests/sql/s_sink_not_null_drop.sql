-- table.exec.sink.not-null-enforcer = DROP: rows with a NULL for a NOT NULL sink column are
-- dropped silently; nullable columns keep their NULLs.
CREATE TABLE orders (
    order_id BIGINT, customer STRING, product STRING, amount INT, price DECIMAL(10, 2),
    ts TIMESTAMP(3), note STRING
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE out_nn (id BIGINT NOT NULL, n STRING NOT NULL, big STRING)
WITH ('connector' = 'print');
SET 'table.exec.sink.not-null-enforcer' = 'DROP';

INSERT INTO out_nn
SELECT order_id, CASE WHEN amount > 4 THEN customer END, CASE WHEN amount > 5 THEN 'big' END
FROM orders;
