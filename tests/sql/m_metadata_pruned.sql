-- Only the metadata columns a query uses are read (the others are pruned from the source's
-- schema); a computed column over a metadata column pulls that column in. Expected rows by
-- hand: order 1 is in part-a.csv (1034 bytes), order 44 in part-b.csv (1275 bytes).
CREATE TABLE orders (
    order_id BIGINT, customer STRING, product STRING, amount INT, price DECIMAL(10, 2),
    ts TIMESTAMP(3), note STRING,
    fsize BIGINT METADATA FROM 'file.size' VIRTUAL,
    mtime TIMESTAMP_LTZ(3) METADATA FROM 'file.modification-time' VIRTUAL,
    fname STRING METADATA FROM 'file.name' VIRTUAL,
    big AS fsize > 1100
) WITH ('connector' = 'filesystem', 'path' = 'data/m_split', 'format' = 'csv');
CREATE TABLE a (id BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'a');
CREATE TABLE b (id BIGINT, big BOOLEAN) WITH ('connector' = 'print', 'print-identifier' = 'b');
CREATE TABLE c (id BIGINT, f STRING, s BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'c');

EXECUTE STATEMENT SET BEGIN
INSERT INTO a SELECT order_id FROM orders WHERE order_id IN (1, 44);
INSERT INTO b SELECT order_id, big FROM orders WHERE order_id IN (1, 44);
INSERT INTO c SELECT order_id, fname, fsize FROM orders WHERE order_id IN (1, 44) AND mtime IS NOT NULL;
END;
