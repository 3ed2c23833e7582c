-- Several INSERTs in one job (EXECUTE STATEMENT SET), two print sinks with identifiers.
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

CREATE TABLE s1 (id BIGINT, who STRING) WITH ('connector' = 'print', 'print-identifier' = 'cheap');
CREATE TABLE s2 (id BIGINT, who STRING) WITH ('connector' = 'print', 'print-identifier' = 'dear');

EXECUTE STATEMENT SET
BEGIN
    INSERT INTO s1 SELECT order_id, customer FROM orders WHERE price < 5;
    INSERT INTO s2 SELECT order_id, customer FROM orders WHERE price > 35;
END;
