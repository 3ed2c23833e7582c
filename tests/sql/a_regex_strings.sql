-- Regular-expression and string functions over data with NULLs and empty strings:
-- REGEXP (a match anywhere), REGEXP_EXTRACT (NULL when there is no match), REGEXP_REPLACE
-- (every match; the replacement is literal, so '$1' stays '$1' as Flink quotes it),
-- SPLIT_INDEX (0-based; NULL past the last part or on ''), CONCAT_WS (skips NULLs; NULL
-- separator gives NULL), LIKE with an explicit ESCAPE. DuckDB's RE2 and Java agree on
-- these patterns; the DuckDB query spells out Flink's NULL results.
CREATE TABLE texts (id INT, s STRING, p STRING, js STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/texts.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT id,
       REGEXP(s, '[0-9]+') AS has_digits,
       REGEXP(s, '^[a-z_]+$') AS all_lower,
       REGEXP_EXTRACT(s, '([a-z_]+)@([a-z]+)\.(org|com)', 2) AS domain,
       REGEXP_EXTRACT(s, '[0-9]+') AS first_num,
       REGEXP_EXTRACT(s, '[^ ]+$') AS last_word,
       REGEXP_REPLACE(s, '[aeiou]', '*') AS starred,
       REGEXP_REPLACE(s, '([0-9]+)', '<$1>') AS literal_repl,
       SPLIT_INDEX(p, '-', 0) AS p0,
       SPLIT_INDEX(p, '-', 1) AS p1,
       SPLIT_INDEX(s, '_', 2) AS s2,
       CONCAT_WS('|', s, p, CAST(id AS STRING)) AS ws,
       CONCAT_WS(p, 'l', 'r') AS ws_sep,
       s LIKE '%!%%' ESCAPE '!' AS has_pct,
       s LIKE 'a!_%' ESCAPE '!' AS a_underscore,
       s LIKE '_ob%' AS ob,
       p NOT LIKE '%-%' AS no_dash
FROM texts;
