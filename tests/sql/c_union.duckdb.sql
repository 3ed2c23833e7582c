CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE customers AS SELECT * FROM read_csv('data/customers.csv', header = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'country': 'VARCHAR'});
SELECT order_id, customer, 'order' FROM orders WHERE amount = 9
UNION ALL SELECT amount, product, note FROM orders WHERE amount = 1
UNION ALL SELECT id, name, country FROM customers;
