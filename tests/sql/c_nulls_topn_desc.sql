-- Top-N per nullable group ordered DESC over a nullable sort key: NULL values sort last
-- in DESC (Flink's LOW null collation), so they only rank when a group has too few
-- values. Final state vs DuckDB (explicit NULLS LAST there).
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SET 'weir.batch-rows' = '2';

SELECT grp, id, v, rn FROM (
    SELECT grp, id, v, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY v DESC, id) AS rn FROM nulls)
WHERE rn <= 2;
