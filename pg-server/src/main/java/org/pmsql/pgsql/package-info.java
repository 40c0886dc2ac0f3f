/**
 * PostgreSQL's SQL as its clients send it, over pmsql's: the dialect rewritten to pmsql's SQL
 * ({@link org.pmsql.pgsql.PgDialect}), the catalog they read ({@link org.pmsql.pgsql.PgCatalog}:
 * pg_catalog and information_schema over a connection's schemas), the functions they call,
 * the types columns are sent as, and session settings. No wire here: this is SQL in, SQL out.
 */
package org.pmsql.pgsql;
