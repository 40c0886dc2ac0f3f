/**
 * Reading archives as tables: the metrics tables ({@link org.pmsql.sql.scan.MetricsTable}),
 * whose columns are described once ({@link org.pmsql.sql.scan.MetricColumn}); their scan and the
 * planner rules that push filters and projections into it ({@link org.pmsql.sql.scan.ScanRules}),
 * carried as a typed {@link org.pmsql.sql.scan.ScanSpec} from rule to scan; the translation of
 * conditions into that spec; the rows a scan yields (archive-io's values, with their rates),
 * with progress and cancellation checks.
 */
package org.pmsql.sql.scan;
