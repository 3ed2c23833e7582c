-- compare: final
-- Top-3 per key with the row number (append-only input: 3 rows per partition are state).
SELECT k, rn, v, id FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id ASC) AS rn FROM src)
WHERE rn <= 3;
