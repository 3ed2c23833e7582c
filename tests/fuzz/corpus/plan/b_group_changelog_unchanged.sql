-- ordered
-- parallelism: 1
-- The same input with MAX only: the row ('a', 2) leaves a's result unchanged, so nothing
-- is emitted for it (Flink's GroupAggFunction without state TTL). Expected lines derived by
-- hand.
SET 'weir.batch-rows' = '1';
SELECT k, MAX(v) AS m
FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('a', 2), ('b', 5)) AS t(k, v)
GROUP BY k;
