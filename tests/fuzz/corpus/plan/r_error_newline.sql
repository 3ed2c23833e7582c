SELECT DECIMAL '1.
5x', 'a	b';
SELECT CAST('x
y' AS INT) FROM nowhere
;
