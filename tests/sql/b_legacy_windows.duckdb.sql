CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT customer, ws, ws + INTERVAL '15 seconds', ws + INTERVAL '14999 milliseconds', count(*), sum(amount * 2)
FROM (SELECT *, time_bucket(INTERVAL '15 seconds', ts) AS ws FROM orders) GROUP BY customer, ws;
