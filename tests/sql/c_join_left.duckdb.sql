CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE customers AS SELECT * FROM read_csv('data/customers.csv', header = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'country': 'VARCHAR'});
SELECT o.order_id, o.customer, c.id, c.country FROM orders AS o LEFT JOIN customers AS c ON o.amount = c.id AND c.country <> 'FR';
