-- compare: final
-- LEFT join whose filters leave most left rows unmatched: null-padded rows are retracted
-- (-D) when a partner arrives later, which depends on the restored match counts.
SELECT a.id, a.k, a.v, b.id AS bid, b.v AS bv
FROM (SELECT * FROM src WHERE v < 100) a
LEFT JOIN (SELECT * FROM src WHERE v >= 900) b ON a.id = b.id + 1 AND a.k = b.k;
