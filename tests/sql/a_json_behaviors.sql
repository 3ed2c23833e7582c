-- ordered
-- JSON_VALUE / JSON_QUERY ... ON EMPTY, ON ERROR and JSON_QUERY's wrappers. Expected rows
-- derived by hand from Flink's documented semantics (SqlJsonUtils, after Calcite): a path
-- without 'lax'/'strict' is strict. Empty: lax mode and no value at the path or input that is
-- not JSON; any mode and a JSON null; lax JSON_VALUE on an object/array; lax JSON_QUERY on a
-- scalar. Error: strict mode and no value or input not JSON; strict JSON_VALUE on an
-- object/array; strict JSON_QUERY on a scalar; a RETURNING conversion that fails.
-- Row 1 '{"a":"x",...}':  v1 'x'; v2 lax missing -> empty -> 'dflt'; v3 strict missing ->
--   error -> 'err'; v4 'x' not an INT -> error -> -1; v5 JSON null -> empty -> 'null!';
--   v6 lax object -> empty -> 'obj'; v7 strict object -> error -> 'err'.
-- Row 2 '{"a":"12"}':  v1 '12'; v2 'dflt'; v3 'err'; v4 12; v5 strict missing -> error, no
--   ON ERROR clause -> NULL; v6 lax missing -> empty -> 'obj'; v7 strict missing -> 'err'.
-- Row 3 'oops' (not JSON): lax -> empty (v1 'dflt', v2 'dflt', v6 'obj'), strict -> error
--   (v3 'err', v4 -1, v5 NULL, v7 'err').
-- Row 4 NULL: NULL everywhere (neither ON EMPTY nor ON ERROR applies).
SELECT id,
       JSON_VALUE(j, 'lax $.a' DEFAULT 'dflt' ON EMPTY) AS v1,
       JSON_VALUE(j, 'lax $.b' DEFAULT 'dflt' ON EMPTY) AS v2,
       JSON_VALUE(j, '$.b' DEFAULT 'dflt' ON EMPTY DEFAULT 'err' ON ERROR) AS v3,
       JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY DEFAULT -1 ON ERROR) AS v4,
       JSON_VALUE(j, '$.n' DEFAULT 'null!' ON EMPTY NULL ON ERROR) AS v5,
       JSON_VALUE(j, 'lax $.o' DEFAULT 'obj' ON EMPTY DEFAULT 'err' ON ERROR) AS v6,
       JSON_VALUE(j, 'strict $.o' DEFAULT 'obj' ON EMPTY DEFAULT 'err' ON ERROR) AS v7
FROM (VALUES (1, '{"a":"x","n":null,"o":{"k":1},"arr":[1,"y"]}'), (2, '{"a":"12"}'),
             (3, 'oops'), (4, CAST(NULL AS STRING))) AS t(id, j);
