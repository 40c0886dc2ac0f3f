/**
 * {@code pmsql serve} over Avatica's remote JDBC protocol, one front-end on the serving core
 * ({@code org.pmsql.serving}): the HTTP server with its users, TLS and loopback rule
 * ({@link org.pmsql.server.PcpServer}), both wire formats on one port, Avatica's Meta over the
 * core's sessions ({@link org.pmsql.server.ServerMeta}), one-line errors, DNS-SD
 * advertisement; and the commands {@code serve} and {@code find}. The accessors of Avatica's
 * package-private JDBC state sit in {@code org.apache.calcite.avatica.jdbc}.
 */
package org.pmsql.server;
