-- output: out/a_insert_filesystem
-- INSERT INTO a filesystem table (csv part files, committed at the end of the bounded job).
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

CREATE TABLE archive (
    order_id BIGINT,
    customer STRING,
    total DECIMAL(12, 2),
    ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = 'out/a_insert_filesystem', 'format' = 'csv');

INSERT INTO archive SELECT order_id, customer, CAST(amount * price AS DECIMAL(12, 2)), ts FROM orders WHERE note = 'rush';
