CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT customer, count(*), sum(amount), sum(amount) // count(amount), min(price), max(ts), count(DISTINCT product)
FROM orders WHERE note <> 'promo' GROUP BY customer HAVING sum(amount) > 20;
