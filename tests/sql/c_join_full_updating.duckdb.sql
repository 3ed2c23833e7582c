CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE customers AS SELECT * FROM read_csv('data/customers.csv', header = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'country': 'VARCHAR'});
SELECT c.name, c.country, t.customer, t.n FROM customers AS c FULL OUTER JOIN (SELECT customer, count(*) AS n FROM orders GROUP BY customer) AS t ON c.name = t.customer;
