-- compare: final
-- FULL join of two updating (aggregated) inputs: both sides retract, rows are found in the
-- restored row sets, and padded rows follow the restored match counts (a.n > b.m flips
-- between true and false as both counts grow). COUNT(DISTINCT) keeps the aggregations in
-- one phase at every parallelism, so the restore at p=1 finds the same operators.
SELECT a.k, a.n, b.k AS bk, b.m
FROM (SELECT k, COUNT(*) AS n, COUNT(DISTINCT v) AS dv FROM src WHERE v < 10 GROUP BY k) a
FULL JOIN (SELECT k, COUNT(*) AS m, COUNT(DISTINCT v) AS dv FROM src WHERE v >= 990
           GROUP BY k) b
ON a.k = b.k AND a.n > b.m;
