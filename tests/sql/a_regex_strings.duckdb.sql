CREATE TABLE texts AS SELECT * FROM read_csv('data/texts.csv', header = false, nullstr = '\N', quote = '"', escape = '"', columns = {'id': 'INTEGER', 's': 'VARCHAR', 'p': 'VARCHAR', 'js': 'VARCHAR'});
CREATE MACRO split_index(x, sep, i) AS
    CASE WHEN x = '' THEN NULL
         WHEN i < len(string_split(x, sep)) THEN string_split(x, sep)[i + 1] END;
CREATE MACRO extract_or_null(x, pat, g) AS
    CASE WHEN regexp_matches(x, pat) THEN regexp_extract(x, pat, g) END;
SELECT id,
       regexp_matches(s, '[0-9]+'),
       regexp_matches(s, '^[a-z_]+$'),
       extract_or_null(s, '([a-z_]+)@([a-z]+)\.(org|com)', 2),
       extract_or_null(s, '[0-9]+', 0),
       extract_or_null(s, '[^ ]+$', 0),
       regexp_replace(s, '[aeiou]', '*', 'g'),
       regexp_replace(s, '([0-9]+)', '<$1>', 'g'),
       split_index(p, '-', 0),
       split_index(p, '-', 1),
       split_index(s, '_', 2),
       concat_ws('|', s, p, CAST(id AS VARCHAR)),
       concat_ws(p, 'l', 'r'),
       s LIKE '%!%%' ESCAPE '!',
       s LIKE 'a!_%' ESCAPE '!',
       s LIKE '_ob%',
       p NOT LIKE '%-%'
FROM texts;
