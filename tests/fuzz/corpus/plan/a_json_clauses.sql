-- JSON_VALUE / JSON_QUERY / JSON_EXISTS clauses and IS JSON, planned over a table.
CREATE TABLE t (id INT, j STRING, d STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
SELECT id,
       JSON_VALUE(j, 'lax $.a' RETURNING INT DEFAULT 0 ON EMPTY DEFAULT -1 ON ERROR) AS a,
       JSON_VALUE(j, '$.b' DEFAULT d ON EMPTY ERROR ON ERROR) AS b,
       JSON_QUERY(j, '$.o' WITH CONDITIONAL ARRAY WRAPPER EMPTY OBJECT ON EMPTY) AS o,
       JSON_EXISTS(j, '$.k' UNKNOWN ON ERROR) AS k,
       j IS JSON SCALAR AS s
FROM t
WHERE j IS JSON AND NOT JSON_EXISTS(j, 'lax $.x');
