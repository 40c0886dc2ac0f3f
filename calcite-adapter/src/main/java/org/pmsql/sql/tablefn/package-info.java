/**
 * A host's table functions, {@code interpolate}, {@code buckets} and {@code latest}, as macros
 * whose constant arguments pick the rows when the query is planned, with the tables they make
 * and the scan that reads them; and the {@code latest} table.
 */
package org.pmsql.sql.tablefn;
