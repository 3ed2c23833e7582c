-- Java regex semantics that RE2/DuckDB do not share: POSIX classes \p{Alpha}, \p{Digit},
-- \p{Punct}, \p{Lower}, \p{Upper} and \P{...} are US-ASCII only in java.util.regex (so the
-- ü of Grüße is not a letter here); an invalid regex gives NULL. Expected rows derived by
-- hand from data/texts.csv.
CREATE TABLE texts (id INT, s STRING, p STRING, js STRING)
WITH ('connector' = 'filesystem', 'path' = 'data/texts.csv', 'format' = 'csv',
      'csv.null-literal' = '\N');

SELECT id,
       REGEXP_EXTRACT(s, '\p{Alpha}+') AS word,
       REGEXP_REPLACE(s, '\p{Punct}', '') AS no_punct,
       REGEXP_EXTRACT(s, '(\p{Digit}+)\P{Digit}+(\p{Digit}+)', 2) AS second_num,
       REGEXP(s, '^[\p{Lower}_@.]+$') AS lower_only,
       REGEXP_EXTRACT(s, '\p{Upper}\p{Lower}+') AS capitalized,
       REGEXP(s, '[') AS invalid
FROM texts;
