-- compare: multiset
-- Interval join: buffered rows of both sides and their cleanup resume after the restore.
SELECT a.id, a.k, a.v, b.id AS bid
FROM src a JOIN src b
ON a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL '1' SECOND AND b.ts + INTERVAL '1' SECOND
WHERE a.v < 100 AND b.v < 100 AND a.id <> b.id;
