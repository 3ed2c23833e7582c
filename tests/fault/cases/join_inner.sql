-- compare: multiset
-- Regular INNER join of two append-only inputs: both sides' rows are keyed state; a row
-- restored on one side must still meet its partner arriving on the other after the restore.
SELECT a.id, a.k, a.v, b.v AS bv
FROM src a JOIN src b ON a.id = b.id + 1 AND a.k = b.k
WHERE a.v < 300 AND b.v < 500;
