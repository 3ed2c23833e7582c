-- compare: final
-- Keep-first deduplication on event time over an append-only input: the kept row per key
-- and its rowtime are state (a row with an earlier rowtime arriving later replaces it with
-- -U/+U, so the result is compared as a final state).
SELECT id, k, v FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts ASC) AS rn FROM src)
WHERE rn = 1;
