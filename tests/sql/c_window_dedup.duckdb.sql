CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT ws, customer, order_id FROM (
  SELECT *, time_bucket(INTERVAL '20 seconds', ts) AS ws, row_number() OVER (PARTITION BY time_bucket(INTERVAL '20 seconds', ts), customer ORDER BY ts DESC) AS rn FROM orders)
WHERE rn = 1;
