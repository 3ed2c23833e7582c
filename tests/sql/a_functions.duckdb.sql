CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT order_id, extract(second FROM ts), date_trunc('minute', ts), substring(customer, 2, 3),
       position('a' IN product), trim(product, 'e'), lpad(CAST(amount AS VARCHAR), 3, '0'),
       coalesce(nullif(note, ''), 'none'), note IS DISTINCT FROM 'gift', ts + INTERVAL '90 seconds',
       CAST(ts AS DATE), strftime(ts, '%H:%M:%S'), amount % 3, abs(amount - 5)
FROM orders WHERE order_id BETWEEN 10 AND 30;
