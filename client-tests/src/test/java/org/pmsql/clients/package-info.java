/**
 * Clients nobody here wrote, run the way their users run them with the shipped driver jar alone:
 * Spark's JDBC source, HikariCP, DBeaver's and SchemaCrawler's metadata calls.
 */
package org.pmsql.clients;
