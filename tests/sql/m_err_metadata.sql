-- Metadata columns: unknown keys (with a suggestion and the available keys), types that
-- cannot be cast from the key's type, connectors without metadata, and a persisted
-- (non-VIRTUAL) metadata column in a table that is written.
CREATE TABLE a (
    id BIGINT,
    p STRING METADATA FROM 'file.pth' VIRTUAL,
    q STRING METADATA VIRTUAL
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE b (
    id BIGINT,
    s DATE METADATA FROM 'file.size' VIRTUAL
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');
CREATE TABLE c (
    id BIGINT,
    k BIGINT METADATA FROM 'offset' VIRTUAL
) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE d (id BIGINT, t TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'print');
CREATE TABLE e (id BIGINT, n STRING METADATA FROM 'file.name')
WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-test-never-written', 'format' = 'csv');

INSERT INTO e SELECT 1;
