-- ordered
-- JSON_EXISTS(json, path [{TRUE | FALSE | UNKNOWN | ERROR} ON ERROR]) and
-- json IS [NOT] JSON [VALUE | SCALAR | ARRAY | OBJECT], by hand from Flink's documented
-- semantics (SqlJsonUtils, after Calcite). JSON_EXISTS is TRUE when the path finds a value
-- other than JSON null; an error (strict mode, the default: no value at the path, or input
-- that is not JSON) gives the ON ERROR behaviour, FALSE by default; lax mode has no errors.
-- Row 1: e1 TRUE; e2 $.n is JSON null -> FALSE; e3 lax missing -> FALSE; e4 strict missing
--   -> error -> TRUE; e5 strict missing -> error -> NULL (UNKNOWN); e6 TRUE.
-- Row 2 '{"a":"12"}': e1 TRUE; e2 error -> FALSE; e3 FALSE; e4 TRUE; e5 NULL; e6 error -> FALSE.
-- Row 3 'oops': e1, e2, e6 error -> FALSE; e3 lax -> FALSE; e4 TRUE; e5 NULL.
-- Row 4 NULL: JSON_EXISTS is NULL; NULL IS JSON ... is FALSE (IS NOT JSON ... TRUE).
-- IS JSON: rows 1 and 2 are objects (JSON, OBJECT, not ARRAY, not SCALAR); 'oops' is no JSON.
SELECT id,
       JSON_EXISTS(j, '$.a') AS e1,
       JSON_EXISTS(j, '$.n') AS e2,
       JSON_EXISTS(j, 'lax $.b') AS e3,
       JSON_EXISTS(j, 'strict $.b' TRUE ON ERROR) AS e4,
       JSON_EXISTS(j, '$.b' UNKNOWN ON ERROR) AS e5,
       JSON_EXISTS(j, '$.arr[1]' FALSE ON ERROR) AS e6,
       j IS JSON AS i1,
       j IS JSON OBJECT AS i2,
       j IS NOT JSON ARRAY AS i3,
       j IS JSON SCALAR AS i4
FROM (VALUES (1, '{"a":"x","n":null,"o":{"k":1},"arr":[1,"y"]}'), (2, '{"a":"12"}'),
             (3, 'oops'), (4, CAST(NULL AS STRING))) AS t(id, j);

-- IS JSON kinds over scalars, arrays, objects and non-JSON text. Flink's examples: '1',
-- '"abc"' are JSON scalars, '[]' an array, '{}' an object, 'abc' and '' are not JSON; JSON
-- null is a scalar (not an object or array); what follows the first value is ignored, as
-- Jackson does by default ('{} x' is an object).
SELECT s, s IS JSON, s IS JSON VALUE, s IS JSON SCALAR, s IS JSON ARRAY, s IS JSON OBJECT,
       s IS NOT JSON, s IS NOT JSON SCALAR, s IS NOT JSON OBJECT
FROM (VALUES ('1'), ('"abc"'), ('[]'), ('{}'), ('abc'), (''), ('null'), ('{} x'),
             (' [1, {"a": [true]}] ')) AS t(s);
