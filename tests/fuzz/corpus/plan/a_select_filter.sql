-- Projection, filter, CASE, string and numeric functions over a CSV file.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    product STRING,
    amount INT,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    note STRING,
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');

SELECT order_id,
       UPPER(customer) AS cust,
       amount * price AS total,
       CASE WHEN amount >= 5 THEN 'big' WHEN amount >= 3 THEN 'mid' ELSE 'low' END AS size,
       CONCAT(product, '-', CAST(amount AS STRING)) AS tag,
       CHAR_LENGTH(note) AS nlen,
       ts
FROM orders
WHERE price > 10 AND customer <> 'bob' AND note IN ('gift', 'rush', '');
