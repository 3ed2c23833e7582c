CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
CREATE TABLE customers AS SELECT * FROM read_csv('data/customers.csv', header = false, columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'country': 'VARCHAR'});
SELECT o.order_id, o.product, t.name, t.country, t.n
FROM (SELECT * FROM orders WHERE amount > 6) AS o
RIGHT JOIN (SELECT name, country, count(*) AS n FROM customers GROUP BY name, country) AS t
ON o.customer = t.name;
