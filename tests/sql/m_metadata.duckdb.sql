CREATE TABLE orders AS SELECT order_id, customer, product, amount, parse_filename(filename) AS fname, price, ts, note, filename AS path FROM read_csv('data/m_split/*.csv', header = false, nullstr = '\N', filename = true, columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
SELECT upper(substring(fname, 6, 1)) AS part, fname, COUNT(*), SUM(amount), MIN(order_id), MAX(order_id)
FROM orders
WHERE path LIKE '%data/m_split/%' AND (fname = 'part-b.csv' OR amount > 2)
GROUP BY part, fname;
