-- ordered
-- parallelism: 1
-- The exact changelog of a regular GROUP BY, one row per batch: +I for a new key, -U/+U
-- when its result changes, nothing when it stays the same (Flink's GroupAggFunction
-- without state TTL); the two queries run one after the other. Expected lines derived by
-- hand from those rules.
SET 'weir.batch-rows' = '1';
SELECT k, MAX(v) AS m, COUNT(*) AS n
FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('a', 2), ('b', 5)) AS t(k, v)
GROUP BY k;
SELECT k, MAX(v) AS m
FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('a', 2), ('b', 5)) AS t(k, v)
GROUP BY k;
