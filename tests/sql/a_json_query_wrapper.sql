-- ordered
-- JSON_QUERY's wrappers and ON EMPTY / ON ERROR, by hand from Flink's documented semantics
-- (SqlJsonUtils.jsonQuery, after Calcite): a path without 'lax'/'strict' is strict; the
-- wrapper applies to the value found: WITH [UNCONDITIONAL] [ARRAY] WRAPPER always wraps it in
-- an array, WITH CONDITIONAL only when it is not an array. Without a wrapper a scalar is
-- empty in lax mode and an error in strict mode; a missing value is empty (lax) or an error
-- (strict); input that is not JSON is empty (lax) or an error (strict); JSON null is empty.
-- Row 1: q1 {"k":1}; q2 ["x"]; q3 the array as is; q4 wrapped again; q5 the object wrapped;
--   q6 lax scalar -> empty -> []; q7 strict scalar -> error -> {}; q8 lax missing -> empty
--   -> NULL; q9 strict missing -> error -> {}.
-- Row 2 '{"a":"12"}': q1, q3, q4, q5 strict missing -> error -> NULL (the default); q2
--   ["12"]; q6 []; q7 {}; q8 NULL; q9 {}.
-- Row 3 'oops': strict -> error (q1..q5 NULL, q7 {}, q9 {}); lax -> empty (q6 [], q8 NULL).
-- Row 4 NULL: NULL everywhere.
SELECT id,
       JSON_QUERY(j, '$.o') AS q1,
       JSON_QUERY(j, '$.a' WITH WRAPPER) AS q2,
       JSON_QUERY(j, '$.arr' WITH CONDITIONAL ARRAY WRAPPER) AS q3,
       JSON_QUERY(j, '$.arr' WITH UNCONDITIONAL ARRAY WRAPPER) AS q4,
       JSON_QUERY(j, '$.o' WITH CONDITIONAL WRAPPER) AS q5,
       JSON_QUERY(j, 'lax $.a' EMPTY ARRAY ON EMPTY) AS q6,
       JSON_QUERY(j, '$.a' EMPTY OBJECT ON ERROR) AS q7,
       JSON_QUERY(j, 'lax $.b' NULL ON EMPTY EMPTY ARRAY ON ERROR) AS q8,
       JSON_QUERY(j, '$.b' WITHOUT ARRAY WRAPPER EMPTY ARRAY ON EMPTY EMPTY OBJECT ON ERROR) AS q9
FROM (VALUES (1, '{"a":"x","n":null,"o":{"k":1},"arr":[1,"y"]}'), (2, '{"a":"12"}'),
             (3, 'oops'), (4, CAST(NULL AS STRING))) AS t(id, j);
