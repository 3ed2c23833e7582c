-- ordered
-- SHOW TABLES (tables and views, as Flink's), SHOW VIEWS, DESCRIBE of a table and a view,
-- SET/RESET of one key and RESET of all (they print nothing), and SHOW after DROP: weir run
-- prints them as Flink's SQL client prints a statement's result table (right-aligned
-- cells, "N rows in set", "Empty set"). Expected lines written by hand from the DDL below.
-- (No 'SET;' listing: it holds every setting, so each new setting would change this case;
-- its 'key = value' format is checked in tests/unit/test_config.c.)
CREATE TABLE orders (
    order_id BIGINT NOT NULL,
    customer STRING,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    total AS price * 2,
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND,
    PRIMARY KEY (order_id) NOT ENFORCED
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE sink (x INT) WITH ('connector' = 'blackhole');
CREATE VIEW v1 AS SELECT order_id, customer AS who FROM orders;
CREATE TEMPORARY VIEW tv AS SELECT customer FROM orders;
SHOW TABLES;
SHOW VIEWS;
DESCRIBE orders;
DESCRIBE v1;
SET 'parallelism.default' = '3';
SET 'weir.batch-rows' = '7';
SET 'pipeline.name' = 'named';
RESET 'parallelism.default';
RESET 'pipeline.name';
RESET;
DROP VIEW tv;
DROP TABLE sink;
SHOW TABLES;
DROP VIEW v1;
SHOW VIEWS;
