package org.pmsql.sql.catalog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmsql.archive.source.ArchiveFormatException;

/**
 * Archives that could not be read, found at connect time or by a scan that met damage and went
 * on without the rest of that archive; {@code pcp.archive_errors} lists them, each once.
 */
public final class ArchiveErrors {
  private final Map<String, IOException> errors = new LinkedHashMap<>();

  public synchronized void add(IOException e) {
    errors.putIfAbsent(e.getMessage(), e);
  }

  synchronized List<Object[]> rows() {
    List<Object[]> rows = new ArrayList<>();
    for (IOException e : errors.values()) {
      rows.add(new Object[] {e instanceof ArchiveFormatException a ? a.file() : null,
          e.getMessage()});
    }
    return rows;
  }
}
