package org.pmsql.federation;

import java.util.ArrayList;
import java.util.List;

/**
 * Servers that failed a federated connection: at connect (no catalog answer) or during a query
 * whose rows they were then left out of; {@code pcp.server_errors}.
 */
final class ServerErrors {
  private final List<Object[]> rows = new ArrayList<>();

  synchronized void add(String server, String error) {
    rows.add(new Object[] {server, error, System.currentTimeMillis()});
  }

  synchronized List<Object[]> rows() {
    return List.copyOf(rows);
  }
}
