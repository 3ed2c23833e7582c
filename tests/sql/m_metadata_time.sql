-- file.size and file.modification-time: the size read as BIGINT and cast to a declared
-- STRING, and the modification time as the rowtime (a watermark on a metadata column, as
-- Flink allows it on Kafka's timestamp). Expected rows derived by hand: part-a.csv has
-- 1034 bytes and 20 rows, part-b.csv 1275 bytes and 25 rows.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    product STRING,
    amount INT,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    note STRING,
    fsize BIGINT METADATA FROM 'file.size' VIRTUAL,
    size_text STRING METADATA FROM 'file.size' VIRTUAL,
    mtime TIMESTAMP_LTZ(3) METADATA FROM 'file.modification-time' VIRTUAL,
    WATERMARK FOR mtime AS mtime - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/m_split', 'format' = 'csv');

SELECT fsize, size_text, COUNT(*), MIN(mtime) > TO_TIMESTAMP_LTZ(0, 3)
FROM orders GROUP BY fsize, size_text;
