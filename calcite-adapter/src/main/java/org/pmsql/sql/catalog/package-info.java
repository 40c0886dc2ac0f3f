/**
 * Tables that describe archives rather than hold values: hosts, metric descriptors, instances,
 * archive files, merged labels, and the archives that could not be read.
 */
package org.pmsql.sql.catalog;
