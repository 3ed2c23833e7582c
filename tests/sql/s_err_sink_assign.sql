-- INSERT takes Flink's implicit casts only: TIMESTAMP into TIMESTAMP_LTZ (and back), DATE
-- into TIMESTAMP, TIME into TIMESTAMP, year-month into day-time intervals and strings into
-- temporals need a CAST. An untyped NULL cannot go into a NOT NULL column.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    amount INT,
    ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE out_ltz (id BIGINT, t TIMESTAMP_LTZ(3))
WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-test-never-written', 'format' = 'csv');
CREATE TABLE out_ts (id BIGINT, t TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-test-never-written', 'format' = 'csv');
CREATE TABLE out_time (id BIGINT, t TIME(0))
WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-test-never-written', 'format' = 'csv');
CREATE TABLE out_iv (id BIGINT, i INTERVAL DAY TO SECOND(3))
WITH ('connector' = 'blackhole');
CREATE TABLE out_nn (id BIGINT NOT NULL, t TIMESTAMP(3))
WITH ('connector' = 'blackhole');

INSERT INTO out_ltz SELECT order_id, ts FROM orders;
INSERT INTO out_ts SELECT order_id, TO_TIMESTAMP_LTZ(amount, 3) FROM orders;
INSERT INTO out_ts SELECT order_id, CAST(ts AS DATE) FROM orders;
INSERT INTO out_time SELECT order_id, ts FROM orders;
INSERT INTO out_iv SELECT order_id, INTERVAL '1' YEAR FROM orders;
INSERT INTO out_ts SELECT order_id, '2024-01-01 00:00:00' FROM orders;
INSERT INTO out_nn SELECT NULL, ts FROM orders;
-- these are fine: precision changes within a type, and the explicit CASTs
INSERT INTO out_ts SELECT order_id, CAST(ts AS TIMESTAMP(6)) FROM orders;
INSERT INTO out_ltz SELECT order_id, CAST(ts AS TIMESTAMP_LTZ(3)) FROM orders;
INSERT INTO out_time SELECT order_id, CAST(ts AS TIME(0)) FROM orders;
INSERT INTO out_iv SELECT order_id, INTERVAL '2' SECOND FROM orders;
