/**
 * Many pmsql servers as one catalog ({@code jdbc:pcp:servers=...}): the federated schemas over
 * Calcite's JDBC adapter, pooled connections to each server on HikariCP, the servers that
 * failed, and finding servers by DNS-SD. A module of its own, so a connection over local
 * archives loads no network discovery.
 */
package org.pmsql.federation;
