package org.pmsql.archive;

import java.io.IOException;

/**
 * How an archive's files become an {@link Archive}: read ({@link #READ}), or described without
 * reading by what a catalog recorded of them.
 */
@FunctionalInterface
public interface ArchiveOpener {
  /** Reads the label and the metadata, as libpcp does. */
  ArchiveOpener READ = Archive::open;

  Archive open(ArchiveFiles files) throws IOException;
}
