-- ordered
-- Explicit NULLS LAST on ASC and NULLS FIRST on DESC (the opposite of Flink's default).
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT id, name, d FROM nulls ORDER BY d DESC NULLS FIRST, name NULLS LAST, id LIMIT 8;
