-- JSON_QUERY ... ERROR ON ERROR fails the job on a row that is an error: in strict mode (the
-- default) a scalar where JSON_QUERY needs an object or array.
SELECT JSON_QUERY(j, '$.a' ERROR ON ERROR) FROM (VALUES ('{"a":[1]}'), ('{"a":1}')) AS t(j);
