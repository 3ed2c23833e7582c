-- JSON_VALUE and JSON_QUERY over a column with objects, arrays, a non-JSON text and NULL.
-- Expected rows derived by hand from Flink's documented semantics (lax paths; NULL ON
-- EMPTY and NULL ON ERROR, the defaults: a missing path, a JSON null, malformed JSON, a
-- non-scalar for JSON_VALUE or a scalar for JSON_QUERY give NULL; strings unescaped).
-- Not DuckDB: its json_extract_string returns objects as text and differs on lax paths.
CREATE TABLE texts (id INT, s STRING, p STRING, js STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/texts.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT id,
       JSON_VALUE(js, '$.name') AS name,
       JSON_VALUE(js, '$.age') AS age,
       JSON_VALUE(js, '$.addr.city') AS city,
       JSON_VALUE(js, '$.tags[1]') AS tag1,
       JSON_VALUE(js, '$.ok') AS ok,
       JSON_VALUE(js, '$[1].k') AS k,
       JSON_VALUE(js, '$[0]' RETURNING INT) AS first,
       JSON_QUERY(js, '$.tags') AS tags,
       JSON_QUERY(js, '$.addr') AS addr
FROM texts;
