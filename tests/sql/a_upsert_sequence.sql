-- ordered
-- parallelism: 1
-- upsert-key: 1
-- The exact upsert changelog of a GROUP BY written into a print sink with a PRIMARY KEY
-- on the group key, one row per batch: +I for a new key, +U (and no -U) when its result
-- changes. Derived by hand from the rows (compare b_group_changelog, the same query
-- without a key).
CREATE TABLE out_print (k STRING, m INT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'print');
SET 'weir.batch-rows' = '1';
INSERT INTO out_print
SELECT k, MAX(v), COUNT(*)
FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('a', 2), ('b', 5)) AS t(k, v)
GROUP BY k;
