CREATE TABLE nulls AS SELECT * FROM read_csv('data/nulls.csv', header = false, nullstr = '\N', columns = {'id': 'BIGINT', 'grp': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'name': 'VARCHAR'});
SELECT id, name, d FROM nulls ORDER BY d DESC NULLS FIRST, name ASC NULLS LAST, id LIMIT 8;
