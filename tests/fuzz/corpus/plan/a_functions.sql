-- Built-in functions and special syntax: EXTRACT, FLOOR(.. TO ..), SUBSTRING .. FROM .. FOR,
-- POSITION .. IN, TRIM, CAST, COALESCE/NULLIF, IS DISTINCT FROM, temporal arithmetic.
CREATE TABLE orders (
    order_id BIGINT,
    customer STRING,
    product STRING,
    amount INT,
    price DECIMAL(10, 2),
    ts TIMESTAMP(3),
    note STRING,
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data/orders.csv', 'format' = 'csv');

SELECT order_id,
       EXTRACT(SECOND FROM ts) AS sec,
       FLOOR(ts TO MINUTE) AS minute_start,
       SUBSTRING(customer FROM 2 FOR 3) AS mid,
       POSITION('a' IN product) AS pos_a,
       TRIM(BOTH 'e' FROM product) AS trimmed,
       LPAD(CAST(amount AS STRING), 3, '0') AS padded,
       COALESCE(NULLIF(note, ''), 'none') AS note2,
       note IS DISTINCT FROM 'gift' AS not_gift,
       ts + INTERVAL '90' SECOND AS later,
       CAST(ts AS DATE) AS d,
       DATE_FORMAT(ts, 'HH:mm:ss') AS hms,
       MOD(amount, 3) AS m,
       ABS(amount - 5) AS dist
FROM orders
WHERE order_id BETWEEN 10 AND 30;
