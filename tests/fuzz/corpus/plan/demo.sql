-- demo.sql - weir's demo job as Flink SQL: generated clicks with an event-time watermark,
-- counted per user in 10-second tumbling windows, joined with a small user table, printed.
-- Run it with `weir run examples/demo.sql` (or `make demo`); `weir explain` shows its plan.

-- 20 000 clicks, 10 000 per second, 10 ms of event time apart (200 s of event time).
CREATE TABLE clicks (
    id BIGINT,
    user_id INT,
    url STRING,
    ts AS TO_TIMESTAMP_LTZ(1704067200000 + id * 10, 3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
    'connector' = 'datagen',
    'rows-per-second' = '10000',
    'fields.id.kind' = 'sequence',
    'fields.id.start' = '0',
    'fields.id.end' = '19999',
    'fields.user_id.min' = '0',
    'fields.user_id.max' = '4',
    'fields.url.length' = '8'
);

-- A small dimension table.
CREATE VIEW users (user_id, name, country) AS
SELECT * FROM (VALUES (0, 'ada', 'UK'), (1, 'grace', 'US'), (2, 'linus', 'FI'),
                      (3, 'barbara', 'US'), (4, 'edsger', 'NL'));

-- Clicks per user and 10-second window, with the user's name and country.
SELECT w.window_start, w.window_end, u.name, u.country, w.clicks
FROM (
    SELECT window_start, window_end, user_id, COUNT(*) AS clicks
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, user_id
) AS w
JOIN users AS u ON w.user_id = u.user_id;
