CREATE TABLE nulls AS SELECT * FROM read_csv('data/nulls.csv', header = false, nullstr = '\N', columns = {'id': 'BIGINT', 'grp': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'name': 'VARCHAR'});
SELECT id, grp, v FROM nulls ORDER BY grp ASC NULLS FIRST, v DESC NULLS LAST, id;
