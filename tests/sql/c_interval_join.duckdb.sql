CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE shipments AS SELECT * FROM read_csv('data/shipments.csv', header = false, columns = {'order_id': 'BIGINT', 'ship_ts': 'TIMESTAMP'});
SELECT o.order_id, o.customer, s.ship_ts, o.ts FROM orders AS o, shipments AS s
WHERE o.order_id = s.order_id AND s.ship_ts BETWEEN o.ts AND o.ts + INTERVAL '10 seconds';
