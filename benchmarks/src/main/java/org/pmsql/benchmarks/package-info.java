/**
 * The Java sides of the scripts in {@code benchmarks/}, each run beside the PCP tool or the
 * other client it is measured against (libpcp's fetch loop, pmrep, pmlogger's live edge, a
 * local connection), printing figures the scripts put side by side with their ratio.
 */
package org.pmsql.benchmarks;
