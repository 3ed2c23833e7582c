CREATE TABLE nulls AS SELECT * FROM read_csv('data/nulls.csv', header = false, nullstr = '\N', columns = {'id': 'BIGINT', 'grp': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'name': 'VARCHAR'});
CREATE TABLE dim AS SELECT * FROM read_csv('data/nulls_dim.csv', header = false, nullstr = '\N', columns = {'g': 'VARCHAR', 'label': 'VARCHAR'});
SELECT n.id, n.v, d.g, d.label FROM nulls AS n RIGHT JOIN dim AS d ON n.grp = d.g;
