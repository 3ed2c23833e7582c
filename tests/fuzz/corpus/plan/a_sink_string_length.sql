-- ordered
-- A VARCHAR(3) / CHAR(2) sink column receives the whole string: Flink's default
-- table.exec.sink.type-length-enforcer = IGNORE neither truncates nor pads.
CREATE TABLE s (v VARCHAR(3), c CHAR(2)) WITH ('connector' = 'print');
INSERT INTO s SELECT 'abcdef', 'x';
