-- ordered
-- parallelism: 1
-- The exact changelog of a regular GROUP BY, one row per batch: +I for a new key, -U/+U
-- when its result changes (Flink's GroupAggFunction without state TTL). Expected lines
-- derived by hand from those rules. (One query per case: the SELECTs of one file run as
-- one job whose print sinks interleave.)
SET 'weir.batch-rows' = '1';
SELECT k, MAX(v) AS m, COUNT(*) AS n
FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('a', 2), ('b', 5)) AS t(k, v)
GROUP BY k;
