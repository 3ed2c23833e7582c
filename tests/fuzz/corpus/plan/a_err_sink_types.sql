-- Sink columns take only implicit widening (Flink's implicit casts): narrowing fails.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    amount INT,
    ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE out_file (f INT, g STRING)
WITH ('connector' = 'filesystem', 'path' = 'out/never-written', 'format' = 'csv');

INSERT INTO out_file SELECT CAST(amount AS DOUBLE), customer FROM orders;
INSERT INTO out_file SELECT order_id, customer FROM orders;
INSERT INTO out_file (g, f) SELECT customer, amount * 1.5 FROM orders;
INSERT INTO out_file SELECT CAST(amount AS SMALLINT), CAST(customer AS CHAR(5)) FROM orders;
