CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT order_id, customer, CASE WHEN amount > 5 THEN 'big' END FROM orders WHERE amount > 4 AND customer IS NOT NULL;
