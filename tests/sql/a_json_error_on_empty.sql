-- JSON_VALUE ... ERROR ON EMPTY fails the job on the first row whose path finds nothing (lax
-- mode: a missing member is empty, not an error).
SELECT JSON_VALUE(j, 'lax $.b' ERROR ON EMPTY) FROM (VALUES ('{"b":"x"}'), ('{"a":1}')) AS t(j);
