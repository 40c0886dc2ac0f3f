/**
 * The tables that describe a host's archives rather than hold values (metric descriptors,
 * instances with their lifetimes, label sets, archive files): their columns and rows, computed
 * from the archives' metadata, for whatever shows them (the SQL catalog, Spark's catalog).
 */
package org.pmsql.archive.describe;
