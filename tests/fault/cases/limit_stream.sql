-- compare: multiset
-- LIMIT without ORDER BY over the append-only input: the planner runs it as one instance
-- after the two source subtasks, forwarding the first rows in arrival order, which mixes the
-- two inputs nondeterministically (as in Flink). So the query projects a constant: the
-- multiset of rows is then exactly (LIMIT) copies, and it is right only when the restored
-- run goes on from the count of rows seen before the stop (with the OFFSET skipped once).
SELECT 'row' AS r
FROM src
LIMIT 300000 OFFSET 20000;
