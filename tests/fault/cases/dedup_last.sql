-- compare: final
-- Keep-last deduplication on event time (updating): the restored kept row is what the next
-- -U retracts.
SELECT id, k, v FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM src)
WHERE rn = 1;
