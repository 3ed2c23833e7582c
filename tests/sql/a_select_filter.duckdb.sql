CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT order_id, upper(customer), amount * price,
       CASE WHEN amount >= 5 THEN 'big' WHEN amount >= 3 THEN 'mid' ELSE 'low' END,
       concat(product, '-', CAST(amount AS VARCHAR)), length(note), ts
FROM orders
WHERE price > 10 AND customer <> 'bob' AND note IN ('gift', 'rush', '');
