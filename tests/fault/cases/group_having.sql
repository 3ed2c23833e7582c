-- compare: final
-- HAVING over updating results: keys enter the result once their count passes 16500.
-- (COUNT(DISTINCT) keeps the aggregation in one phase at every parallelism.)
SELECT k, COUNT(*) AS n, MAX(v) AS hi, COUNT(DISTINCT v) AS vals
FROM src GROUP BY k HAVING COUNT(*) > 16500;
