-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d), as the
-- POSTGRES_USER: one database per service group, as in the split deployment each group has its own
-- store. POSTGRES_DB (checkout) exists already; the schema in each is the store's own migrations'.
CREATE DATABASE payment;
