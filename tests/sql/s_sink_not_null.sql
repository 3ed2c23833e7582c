-- A nullable query column into a NOT NULL sink column: with
-- table.exec.sink.not-null-enforcer = ERROR (the default) the first NULL fails the job,
-- naming the column, as Flink's SinkNotNullEnforcer does (rows before it may be printed).
CREATE TABLE orders (
    order_id BIGINT, customer STRING, product STRING, amount INT, price DECIMAL(10, 2),
    ts TIMESTAMP(3), note STRING
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE out_nn (id BIGINT NOT NULL, n STRING NOT NULL) WITH ('connector' = 'print');

INSERT INTO out_nn SELECT order_id, CASE WHEN amount > 4 THEN customer END FROM orders;
