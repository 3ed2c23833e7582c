-- ordered
-- ORDER BY a nullable column: Flink's default null collation is LOW (FlinkPlannerImpl
-- defaultNullCollation), so NULLs come first in ASC and last in DESC; explicit NULLS
-- FIRST/LAST override it. (DuckDB's default is NULLS LAST, so its query spells it out.)
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT id, grp, v FROM nulls ORDER BY grp, v DESC, id;
