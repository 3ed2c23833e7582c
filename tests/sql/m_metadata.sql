-- Metadata columns of the filesystem source (file.name, file.path) read from a directory
-- of two files: in a computed column, in WHERE and as a grouping key.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    product STRING,
    amount INT,
    fname STRING METADATA FROM 'file.name' VIRTUAL,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    note STRING,
    `file.path` STRING METADATA VIRTUAL,
    part AS UPPER(SUBSTRING(fname FROM 6 FOR 1))
) WITH ('connector' = 'filesystem', 'path' = 'data/m_split', 'format' = 'csv');

SELECT part, fname, COUNT(*), SUM(amount), MIN(order_id), MAX(order_id)
FROM orders
WHERE `file.path` LIKE '%/data/m_split/%' AND (fname = 'part-b.csv' OR amount > 2)
GROUP BY part, fname;
