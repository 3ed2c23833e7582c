-- Name errors: every one is reported, each with its position and a suggestion.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    amount INT,
    ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE customers (id BIGINT, name STRING, country STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/customers.csv', 'format' = 'csv');

SELECT custmer FROM orders;
SELECT customer FROM order;
SELECT o.amount FROM orders AS p;
SELECT name, COUNT(*) FROM customers;
SELECT UPPR(customer) FROM orders;
INSERT INTO nowhere SELECT * FROM orders;
SELECT amount FROM orders AS a JOIN orders AS b ON a.order_id = b.order_id;
SELECT c.nme FROM customers AS c;
