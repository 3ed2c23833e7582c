CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT ws, ws + INTERVAL '30 seconds', count(*), sum(amount), min(product)
FROM (SELECT *, time_bucket(INTERVAL '10 seconds', ts) - to_seconds(k * 10) AS ws FROM orders, range(0, 3) AS r(k))
GROUP BY ws;
