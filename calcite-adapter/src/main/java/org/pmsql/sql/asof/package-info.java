/**
 * ASOF joins: the keyless syntax, the rule that plans a logical ASOF join as a merge over
 * time-ordered inputs ({@link org.pmsql.sql.asof.PcpAsofJoin}), the merge itself, and the check
 * that an input is in time order.
 */
package org.pmsql.sql.asof;
