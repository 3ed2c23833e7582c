CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT time_bucket(INTERVAL '10 seconds', ts) AS ws, time_bucket(INTERVAL '10 seconds', ts) + INTERVAL '10 seconds', customer,
       count(*), sum(amount), max(price), count(DISTINCT product), sum(amount) FILTER (WHERE note = 'gift')
FROM orders GROUP BY ws, customer;
