/**
 * The bottom of the reader: the bytes of an archive file, compressed or not, read at any offset
 * (plain files, and the compressions libpcp reads: xz with its block index used for random
 * access); how damage in them is named (file and byte offset,
 * {@link org.pmsql.archive.source.ArchiveFormatException}); and the daemon threads pmsql's
 * background work runs on.
 */
package org.pmsql.archive.source;
