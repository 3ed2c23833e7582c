CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT time_bucket(INTERVAL '30 seconds', w) AS ws, time_bucket(INTERVAL '30 seconds', w) + INTERVAL '30 seconds', sum(n), count(*)
FROM (SELECT time_bucket(INTERVAL '10 seconds', ts) AS w, customer, count(*) AS n FROM orders GROUP BY w, customer)
GROUP BY ws;
