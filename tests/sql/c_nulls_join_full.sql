-- NULL join keys in a FULL OUTER JOIN: each side's NULL-key rows come out once, padded
-- with NULLs, and never join each other.
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');
CREATE TABLE dim (g STRING, label STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls_dim.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SET 'weir.batch-rows' = '2';

SELECT n.id, n.grp, d.g, d.label FROM nulls AS n FULL OUTER JOIN dim AS d ON n.grp = d.g;
