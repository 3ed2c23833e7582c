CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT ws, ws + INTERVAL '30 seconds', product, qty, rn FROM (
  SELECT *, row_number() OVER (PARTITION BY ws ORDER BY qty DESC, product) AS rn FROM (
    SELECT time_bucket(INTERVAL '30 seconds', ts) AS ws, product, sum(amount) AS qty FROM orders GROUP BY ws, product))
WHERE rn <= 2;
