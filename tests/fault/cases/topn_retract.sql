-- compare: final
-- Top-3 over an updating input (every row is state), without the row number.
-- (COUNT(DISTINCT) keeps the inner aggregation in one phase at every parallelism.)
SELECT b, k, total FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY b ORDER BY total DESC, k ASC) AS rn
  FROM (SELECT k, CHAR_LENGTH(k) AS b, SUM(v) AS total, COUNT(DISTINCT v) AS vals
        FROM src GROUP BY k))
WHERE rn <= 3;
