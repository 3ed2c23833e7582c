-- Three-valued logic over NULLs: comparisons, AND/OR/NOT, CASE, COALESCE, NULLIF, IN,
-- IS [NOT] DISTINCT FROM, IS [NOT] TRUE, arithmetic and concatenation with NULL operands.
CREATE TABLE nulls (id BIGINT, grp STRING, v INT, d DOUBLE, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/nulls.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT id, v > 4 AS gt, v = 5 OR d > 1 AS o, v > 4 AND d > 1 AS a, NOT (v > 4) AS nt,
       CASE WHEN v IS NULL THEN 'none' WHEN v > 4 THEN 'big' ELSE 'small' END AS sz,
       CASE WHEN v > 4 THEN 'big' END AS big_only,
       CASE grp WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END AS gcode,
       COALESCE(name, grp, 'anon') AS who, NULLIF(v, 5) AS nf, v IN (5, 7) AS in57,
       v NOT IN (5, 7) AS notin57, v IS DISTINCT FROM 5 AS dist5,
       grp IS NOT DISTINCT FROM name AS same, (v > 4) IS NOT TRUE AS nottrue,
       (d > 1) IS UNKNOWN AS unk, v + 1 AS v1, v * d AS vd, name || '!' AS bang,
       IF(v > 4, 'y', 'n') AS yn, IFNULL(d, -1.0) AS d0
FROM nulls;
