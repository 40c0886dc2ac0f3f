/**
 * Functions pmsql adds to SQL: aggregates over counters that say what a decrease means
 * ({@code counter_rate}, {@code counter_increase}, ...), percentiles (exact, in the standard's
 * WITHIN GROUP form too, and approximate), PromQL's and TimescaleDB's time-series aggregates
 * ({@code deriv}, {@code irate}, {@code time_weight_avg}, ...), the scalar {@code time_bucket},
 * and the logical rewrites that let Calcite run them.
 */
package org.pmsql.sql.function;
