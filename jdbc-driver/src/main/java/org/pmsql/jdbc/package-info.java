/**
 * The JDBC drivers: {@code jdbc:pcp:} over local archives or federated servers
 * ({@link org.pmsql.jdbc.PcpDriver}), its connection properties
 * ({@link org.pmsql.jdbc.ConnectProperties}), and {@code jdbc:pcp:remote:}, a pmsql server
 * through Avatica with a local connection's answers ({@link org.pmsql.jdbc.PcpRemoteDriver});
 * the instants, java.time values, metadata and errors both give JDBC tools. The classes that
 * must extend Calcite's package-private ones sit in {@code org.apache.calcite.jdbc}.
 */
package org.pmsql.jdbc;
