/**
 * Archives as pmlogger writes them: an archive ({@link org.pmsql.archive.Archive}) and its files,
 * the archives of one host as a time-ordered set ({@link org.pmsql.archive.ArchiveSet}), finding
 * them under directories ({@link org.pmsql.archive.ArchiveDiscovery}), and cursors over their
 * records in time order, either way. The byte formats are below in {@code format}, the bytes
 * themselves in {@code source}; a catalog that spares reading them is in {@code catalog}.
 */
package org.pmsql.archive;
