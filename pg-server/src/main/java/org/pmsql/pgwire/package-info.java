/**
 * The PostgreSQL frontend/backend protocol (version 3) as a front-end of {@code pmsql serve}
 * ({@link org.pmsql.pgwire.PgServer}): the codec with its bounds ({@link
 * org.pmsql.pgwire.Frontend}, {@link org.pmsql.pgwire.Backend}), SCRAM-SHA-256, value formats,
 * and the session that runs the simple and extended protocols on the serving core. The SQL a
 * client sends is read by {@code org.pmsql.pgsql}.
 */
package org.pmsql.pgwire;
