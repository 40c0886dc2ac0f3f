/**
 * Where SQL meets the archives: {@link org.pmsql.sql.PcpSchemas} puts each host's archives into
 * a Calcite root schema ({@link org.pmsql.sql.HostSchema}) beside the {@code pcp} catalog, and
 * {@link org.pmsql.sql.PcpPrepare} is how a pmsql connection plans: its rules and optimisation
 * program are the connection's own, never the JVM's. How pmsql reads SQL text
 * ({@link org.pmsql.sql.SqlRules}), its types, time literals and readable errors sit here too.
 * Below: {@code scan} (tables and push-down), {@code stream} (SELECT STREAM), {@code asof}
 * (ASOF joins), {@code tablefn} (interpolate, buckets, latest), {@code function} (aggregate and
 * scalar functions) and {@code catalog} (tables that describe archives).
 */
package org.pmsql.sql;
