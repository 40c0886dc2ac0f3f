/**
 * pmsql as its users run it: the query and shell commands, the README's commands, DatabaseMetaData
 * as JDBC tools read it, and a fleet's catalog.
 */
package org.pmsql.sqltests.tools;
