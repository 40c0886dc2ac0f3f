/**
 * Whether SQL over archives answers right: against libpcp's values (its dump, pmrep's rates,
 * pmdumplog's labels), against DuckDB loaded with them, against scripted expectations; push-down
 * that prunes but never loses rows, damaged archives, time zones, units, labels, every host.
 */
package org.pmsql.sqltests.answers;
