CREATE TABLE orders AS SELECT * FROM read_csv('data/orders.csv', header = false, nullstr = '\N', columns = {'order_id': 'BIGINT', 'customer': 'VARCHAR', 'product': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'});
WITH o AS (SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY product ORDER BY ts) <= INTERVAL '8 seconds' THEN 0 ELSE 1 END AS new FROM orders),
     s AS (SELECT *, sum(new) OVER (PARTITION BY product ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid FROM o)
SELECT product, min(ts), max(ts) + INTERVAL '8 seconds', count(*) FROM s GROUP BY product, sid;
