-- upsert-key: 1
-- An upsert sink keyed by the outer group key of a two-level aggregation: how many
-- customers have placed n orders. Groups empty out as customers move to a higher n, so
-- the stream holds -D rows (deletes by key) besides +I/+U; the remaining rows per key are
-- the final result.
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
CREATE TABLE by_count (n BIGINT, customers BIGINT, PRIMARY KEY (n) NOT ENFORCED)
WITH ('connector' = 'print');

SET 'weir.batch-rows' = '2';

INSERT INTO by_count
SELECT n, COUNT(*) FROM (SELECT customer, COUNT(*) AS n FROM orders GROUP BY customer) GROUP BY n;
