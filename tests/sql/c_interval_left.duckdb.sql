CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE shipments AS SELECT * FROM read_csv('data/shipments.csv', header = false, columns = {'order_id': 'BIGINT', 'ship_ts': 'TIMESTAMP'});
SELECT o.order_id, s.ship_ts FROM orders AS o LEFT JOIN shipments AS s
ON o.order_id = s.order_id AND s.ship_ts >= o.ts AND s.ship_ts < o.ts + INTERVAL '5 seconds';
