-- GROUP BY a nullable key (NULL is a group of its own) with aggregates over groups whose
-- values are all NULL: COUNT(col) = 0, SUM/MIN/MAX/AVG are NULL (Flink's semantics,
-- computed by DuckDB; AVG of an INT is an INT truncated toward zero, as Flink's).
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SET 'weir.batch-rows' = '3';

SELECT grp, COUNT(*) AS n, COUNT(v) AS nv, COUNT(name) AS nn, SUM(v) AS sv, MIN(v) AS mnv,
       MAX(v) AS mxv, AVG(v) AS av, SUM(d) AS sd, AVG(d) AS ad, MIN(name) AS mnn,
       MAX(name) AS mxn, COUNT(DISTINCT v) AS dv
FROM nulls GROUP BY grp;
