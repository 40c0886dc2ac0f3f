/**
 * The bytes of an archive file, compressed or not, read at any offset: plain files, and the
 * compressions libpcp reads (xz with its block index used for random access).
 */
package org.pmsql.archive.source;
