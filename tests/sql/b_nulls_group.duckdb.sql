CREATE TABLE nulls AS SELECT * FROM read_csv('data/nulls.csv', header = false, nullstr = '\N', columns = {'id': 'BIGINT', 'grp': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'name': 'VARCHAR'});
SELECT grp, count(*), count(v), count(name), sum(v)::INTEGER, min(v), max(v),
       CAST(trunc(sum(v) / count(v)) AS INTEGER), sum(d), avg(d), min(name), max(name),
       count(DISTINCT v)
FROM nulls GROUP BY grp;
