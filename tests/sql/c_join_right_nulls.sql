-- RIGHT JOIN with NULL keys on both sides: the right side's NULL-key rows are padded, the
-- left side's are dropped; a right row matched by several left rows appears once per match.
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');
CREATE TABLE dim (g STRING, label STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls_dim.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SET 'weir.batch-rows' = '2';

SELECT n.id, n.v, d.g, d.label FROM nulls AS n RIGHT JOIN dim AS d ON n.grp = d.g;
