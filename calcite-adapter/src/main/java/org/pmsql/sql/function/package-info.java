/**
 * Functions pmsql adds to SQL: aggregates over counters that say what a decrease means
 * ({@code counter_rate}, {@code counter_increase}, ...) and the scalar {@code time_bucket}.
 */
package org.pmsql.sql.function;
