CREATE TABLE nulls AS SELECT * FROM read_csv('data/nulls.csv', header = false, nullstr = '\N', columns = {'id': 'BIGINT', 'grp': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'name': 'VARCHAR'});
SELECT grp, id, v, rn FROM (
    SELECT grp, id, v, row_number() OVER (PARTITION BY grp ORDER BY v ASC NULLS FIRST, id) AS rn FROM nulls)
WHERE rn <= 2;
