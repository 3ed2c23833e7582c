CREATE TABLE nulls AS SELECT * FROM read_csv('data/nulls.csv', header = false, nullstr = '\N', columns = {'id': 'BIGINT', 'grp': 'VARCHAR', 'v': 'INTEGER', 'd': 'DOUBLE', 'name': 'VARCHAR'});
SELECT id, v > 4, v = 5 OR d > 1, v > 4 AND d > 1, NOT (v > 4),
       CASE WHEN v IS NULL THEN 'none' WHEN v > 4 THEN 'big' ELSE 'small' END,
       CASE WHEN v > 4 THEN 'big' END,
       CASE grp WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END,
       coalesce(name, grp, 'anon'), nullif(v, 5), v IN (5, 7), v NOT IN (5, 7),
       v IS DISTINCT FROM 5, grp IS NOT DISTINCT FROM name, (v > 4) IS NOT TRUE,
       (d > 1) IS NULL, v + 1, v * d, name || '!', CASE WHEN v > 4 THEN 'y' ELSE 'n' END,
       coalesce(d, -1.0)
FROM nulls;
