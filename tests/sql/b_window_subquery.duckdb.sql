CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT ws, ws + INTERVAL '20 seconds', upper(customer), count(*), max(amount)
FROM (SELECT *, time_bucket(INTERVAL '20 seconds', ts, INTERVAL '5 seconds') AS ws FROM orders WHERE product <> 'apple')
GROUP BY ws, upper(customer) HAVING count(*) >= 2;
