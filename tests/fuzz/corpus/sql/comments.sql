-- a comment
SELECT /* block */ a -- trailing
FROM t; /* another */ SELECT `we``ird`, ünï FROM `db`.`t`
