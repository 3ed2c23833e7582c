CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT base, base + to_seconds(j * 10) AS we, product, count(*), sum(price)
FROM (SELECT *, time_bucket(INTERVAL '30 seconds', ts) AS base FROM orders, range(1, 4) AS r(j))
WHERE base + to_seconds(j * 10) > ts
GROUP BY base, we, product;
