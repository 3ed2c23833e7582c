CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE customers AS SELECT * FROM read_csv('data/customers.csv', header = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'country': 'VARCHAR'});
SELECT o.order_id, c.country, o.amount * 10 FROM orders AS o JOIN customers AS c ON o.customer = c.name WHERE o.price > 20;
