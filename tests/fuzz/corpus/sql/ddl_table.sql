CREATE TEMPORARY TABLE IF NOT EXISTS bids (
  id BIGINT NOT NULL,
  price DECIMAL(10, 2),
  `user` STRING COMMENT 'who',
  ts TIMESTAMP(3),
  proc AS PROCTIME(),
  kt TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) COMMENT 'bids' PARTITIONED BY (id) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
