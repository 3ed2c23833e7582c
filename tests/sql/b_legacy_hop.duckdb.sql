CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT ws, ws + INTERVAL '40 seconds', product, count(*)
FROM (SELECT *, time_bucket(INTERVAL '20 seconds', ts) - to_seconds(k * 20) AS ws FROM orders, range(0, 2) AS r(k))
GROUP BY ws, product;
