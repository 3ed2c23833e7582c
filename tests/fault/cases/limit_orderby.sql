-- compare: multiset
-- ORDER BY ... LIMIT over the bounded input: the sort buffers rows (cut back to the best
-- offset + limit whenever the buffer doubles) and emits only at the end of input. A stop with
-- a savepoint ends the sources without ending the input, so it always comes before that end:
-- the savepoint holds the rows buffered so far, and the restored run adds the rest and emits
-- the result once. (The script retries with a shorter delay if the run ends first.) Ties in v
-- are broken by id, so the result is deterministic.
SELECT id, k, v
FROM src
ORDER BY v DESC, id
LIMIT 40 OFFSET 10;
