/**
 * {@code SELECT STREAM}: the live tables that follow a host's archives from history into what
 * pmlogger writes now ({@link org.pmsql.sql.stream.LiveTable}), the order-preserving aggregate
 * that emits each window's groups when the window closes and the rule that picks it, and the
 * rewrites that make {@code GROUP BY TUMBLE} and {@code HOP} plannable.
 */
package org.pmsql.sql.stream;
