-- Top-N per nullable group, DESC over a nullable sort key: NULL values sort last.
-- NULL values sort first in ASC (Flink's LOW null collation), so they take the top ranks;
-- DESC puts them last. Final state vs DuckDB (explicit NULLS FIRST / LAST there).
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SET 'weir.batch-rows' = '2';

SELECT grp, id, v, rn FROM (
    SELECT grp, id, v, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY v DESC, id) AS rn FROM nulls)
WHERE rn <= 2;
