/**
 * Helpers of the SQL tests: connections and rows ({@link org.pmsql.sqltests.support.Sql}), and
 * the references pmsql's answers are compared with: libpcp's values served by plain Calcite
 * ({@link org.pmsql.sqltests.support.LibpcpReference}) and pmrep's rates.
 */
package org.pmsql.sqltests.support;
