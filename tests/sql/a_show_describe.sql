-- ordered
-- parallelism: 1
-- SHOW TABLES (tables and views, as Flink's), SHOW VIEWS, DESCRIBE of a table and a view,
-- SET (every setting as 'key = value'), SET/RESET of one key and RESET of all: weir run
-- prints them as Flink's SQL client prints a statement's result table (right-aligned
-- cells, "N rows in set"). Expected lines written by hand from the DDL below. Parallelism
-- 1 only: RESET goes back to the --parallelism of the run (and WEIR_* variables would
-- show in SET).
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
SET;
RESET 'parallelism.default';
RESET 'pipeline.name';
SET;
RESET;
SET;
DROP VIEW tv;
DROP TABLE sink;
SHOW TABLES;
DROP VIEW v1;
SHOW VIEWS;
