-- Type, option and changelog errors, and constructs that are not supported yet.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    amount INT,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE gen (a INT) WITH ('connector' = 'datagen', 'rows-per-secnd' = '5');
CREATE TABLE nowhere (a INT) WITH ('format' = 'csv');
CREATE TABLE out_file (customer STRING, n BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out/never-written', 'format' = 'csv');

SELECT amount + customer FROM orders;
SELECT order_id FROM orders WHERE amount;
INSERT INTO out_file SELECT customer, COUNT(*) FROM orders GROUP BY customer;
INSERT INTO out_file SELECT customer, amount FROM orders;
INSERT INTO out_file SELECT customer FROM orders;
SELECT * FROM orders MATCH_RECOGNIZE (ORDER BY ts MEASURES A.amount AS a PATTERN (A) DEFINE A AS A.amount > 1);
SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_id), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;
SET 'parallelism.defualt' = '2';
