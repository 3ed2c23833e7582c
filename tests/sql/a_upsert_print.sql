-- upsert-key: 1
-- INSERT of an updating aggregation into a print sink with a PRIMARY KEY: the sink gets
-- an upsert stream (+I, +U; no -U since the key is the aggregation's group key), whose
-- last row per key is the final result.
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
CREATE TABLE per_customer (
    customer STRING, n BIGINT, total INT, top DECIMAL(10, 2),
    PRIMARY KEY (customer) NOT ENFORCED
) WITH ('connector' = 'print');

SET 'weir.batch-rows' = '4';

INSERT INTO per_customer
SELECT customer, COUNT(*), SUM(amount), MAX(price) FROM orders GROUP BY customer;
