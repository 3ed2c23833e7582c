-- NULL join keys never match: an inner join drops the rows whose key is NULL on either
-- side (DuckDB has the same semantics).
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');
CREATE TABLE dim (g STRING, label STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls_dim.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT n.id, n.grp, d.g, d.label FROM nulls AS n JOIN dim AS d ON n.grp = d.g;
