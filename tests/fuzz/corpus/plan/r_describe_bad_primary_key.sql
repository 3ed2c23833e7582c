CREATE TABLE t (a INT, PRIMARY KEY (zzzzzzzzzzz, a) NOT ENFORCED) WITH ('connector' = 'datagen');
DESCRIBE t;
