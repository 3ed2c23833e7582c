CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT order_id, CAST(amount * 1.50 AS DECIMAL(14, 2)), CAST(price + 0.125 AS DECIMAL(14, 3)),
       price > 30
FROM orders
WHERE price < 40.00;
