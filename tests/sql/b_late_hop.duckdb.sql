CREATE TABLE events AS SELECT * FROM read_csv('data/late.csv', header = false, columns = {'id': 'BIGINT', 'k': 'VARCHAR', 'v': 'INTEGER', 'ts': 'TIMESTAMP'});
CREATE TABLE w AS SELECT *,
    max(epoch_ms(ts) - 2000) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS wm,
    epoch_ms(ts) // 5000 * 5000 AS s
FROM events;
CREATE TABLE hw AS
    SELECT id, k, v, wm, s AS b FROM w UNION ALL SELECT id, k, v, wm, s - 5000 AS b FROM w;
SELECT make_timestamp(b * 1000), make_timestamp((b + 10000) * 1000), k, count(*), sum(v)::INTEGER, max(id)
FROM hw WHERE wm IS NULL OR b + 10000 - 1 > wm GROUP BY b, k;
