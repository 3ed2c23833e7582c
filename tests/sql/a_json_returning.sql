-- ordered
-- JSON_VALUE ... RETURNING converts the value; one that does not convert gives NULL (Flink's
-- default NULL ON ERROR) instead of failing the job. '1.5' RETURNING INT is 1: Flink's string to
-- INT conversion (BinaryStringDataUtil.toInt) drops the digits after a decimal point.
SELECT JSON_VALUE(j, '$.a' RETURNING DOUBLE), JSON_VALUE(j, '$.a' RETURNING INT)
FROM (VALUES ('{"a":"x"}'), ('{"a":"1.5"}'), ('{"a":7}'), ('{"b":1}')) AS t(j);
