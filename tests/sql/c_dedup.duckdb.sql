CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT product, order_id, ts FROM (SELECT *, row_number() OVER (PARTITION BY product ORDER BY ts) AS rn FROM orders) WHERE rn = 1;
