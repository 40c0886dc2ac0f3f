/**
 * Values: the records of archives read one value at a time ({@link
 * org.pmsql.archive.values.ValueCursor}), with counter rates and instance names, for whatever
 * makes rows of them (the SQL layer's scans, the Spark connector's partitions).
 */
package org.pmsql.archive.values;
