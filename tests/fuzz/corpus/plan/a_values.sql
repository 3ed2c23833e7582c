-- ordered
-- VALUES as a query and in FROM, SELECT without FROM, constant folding.
SELECT * FROM (VALUES (1, 'one'), (2, 'two'), (3, 'six')) AS t(n, word) WHERE n <> 2;
