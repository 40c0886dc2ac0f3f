/**
 * Spark's data source "pcp" over archive-io (DataSource V2): the values of every host's archives
 * as one table with a host column ({@link org.pmsql.spark.PcpDataSource}), read by executors
 * in slices of each host's archives balanced by bytes ({@link org.pmsql.spark.Slices}), each
 * reading only its slice plus the look-back its first rates need; time, host, metric and
 * instance filters and the required columns pushed into the read ({@link
 * org.pmsql.spark.ReadSpec}, carried from the scan builder to the readers).
 */
package org.pmsql.spark;
