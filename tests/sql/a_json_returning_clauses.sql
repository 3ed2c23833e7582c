-- ordered
-- RETURNING followed by behaviours: the NULL of 'RETURNING INT NULL ON EMPTY' is a behaviour,
-- not the type's nullability. A value that does not convert to the RETURNING type is an
-- error (Flink: ON ERROR applies). By hand:
-- Row 1 '{"a":"1","b":"zz"}': r1 1; r2 'zz' does not convert -> error -> DEFAULT 5; r3 1.0.
-- Row 2 '{"a":"x","b":7}': r1 'x' does not convert -> error -> NULL (default); r2 7; r3 NULL.
SELECT JSON_VALUE(j, '$.a' RETURNING INT NULL ON EMPTY) AS r1,
       JSON_VALUE(j, 'lax $.b' RETURNING INT ERROR ON EMPTY DEFAULT 5 ON ERROR) AS r2,
       JSON_VALUE(j, '$.a' RETURNING DOUBLE NULL ON EMPTY NULL ON ERROR) AS r3
FROM (VALUES ('{"a":"1","b":"zz"}'), ('{"a":"x","b":7}')) AS t(j);
