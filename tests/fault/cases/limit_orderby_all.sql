-- compare: multiset
-- ORDER BY without LIMIT over the bounded input: every row is buffered until the end of
-- input, so the savepoint (always before that end, see limit_orderby) holds all rows read so
-- far. Filtered to keep the output small; ties in v broken by arrival, so only the multiset
-- is compared.
SELECT id, k, v
FROM src
WHERE MOD(id, 97) = 0
ORDER BY v, k;
