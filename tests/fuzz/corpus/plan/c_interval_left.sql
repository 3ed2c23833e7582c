-- LEFT interval join with < / >= bounds: orders without a shipment within 5 s are padded.
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

SELECT o.order_id, s.ship_ts
FROM orders AS o LEFT JOIN shipments AS s
ON o.order_id = s.order_id AND s.ship_ts >= o.ts AND s.ship_ts < o.ts + INTERVAL '5' SECOND;
