-- ordered
-- Aggregates over values that become NULL through retractions: the inner GROUP BY turns a
-- key's x into NULL once it has two rows (-U old, +U NULL); the outer SUM/MIN/MAX/AVG must
-- go back to NULL and COUNT(x) to 0 when only NULLs remain (Flink's retracting
-- aggregates count their non-NULL inputs). Changelog derived by hand, one row per batch.
SET 'weir.batch-rows' = '1';
SELECT g2, SUM(x) AS s, MIN(x) AS mn, MAX(x) AS mx, COUNT(x) AS c, AVG(x) AS a, COUNT(*) AS n
FROM (SELECT k, 'all' AS g2, CASE WHEN COUNT(*) > 1 THEN CAST(NULL AS INT) ELSE MAX(v) END AS x
      FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('b', 5)) AS t(k, v) GROUP BY k)
GROUP BY g2;
