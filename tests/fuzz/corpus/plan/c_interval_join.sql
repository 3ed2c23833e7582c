-- Interval join: shipments within 10 seconds after the order (comma join, WHERE condition).
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
CREATE TABLE shipments (
    order_id BIGINT,
    ship_ts TIMESTAMP(3),
    WATERMARK FOR ship_ts AS ship_ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/shipments.csv', 'format' = 'csv');

SELECT o.order_id, o.customer, s.ship_ts, o.ts
FROM orders AS o, shipments AS s
WHERE o.order_id = s.order_id AND s.ship_ts BETWEEN o.ts AND o.ts + INTERVAL '10' SECOND;
