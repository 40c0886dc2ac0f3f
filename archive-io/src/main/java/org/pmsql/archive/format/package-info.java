/**
 * Decoding the archive formats (v2 and v3): labels, .meta records (descriptors, instance
 * domains, names, labels, help text), the temporal index and data volume records. Every length
 * is checked against the bytes present before it is used.
 */
package org.pmsql.archive.format;
