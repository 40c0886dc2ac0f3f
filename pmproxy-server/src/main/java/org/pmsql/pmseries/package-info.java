/**
 * pmseries' query language, read as pmproxy reads it: expressions ({@link QueryParser}), which
 * series they name ({@link Selector}), and which values a time window keeps
 * ({@link TimeWindow}, {@link Sampler}). It knows series as {@link Series} values and leaves
 * reading them to its caller.
 */
package org.pmsql.pmseries;
