package org.pmsql.jdbc;

import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.pmsql.sql.QueryErrors;

/** SQL errors that say why, where Calcite's and Avatica's wrappers leave the reason out. */
public final class JdbcErrors {
  private static final String AVATICA_MESSAGE = "[Messsage: '";

  private JdbcErrors() {}

  /**
   * A failed prepareStatement: Calcite and Avatica report only "while preparing" the text,
   * the reason (a bad token, an unknown column) kept in the cause; it is added to the message.
   */
  public static SQLException preparing(SQLException e) {
    String reason = e.getCause() != null ? QueryErrors.oneLine(e.getCause()) : serverReason(e);
    if (reason == null) {
      return e;
    }
    return e.getMessage() != null && e.getMessage().contains(reason) ? e
        : new SQLException(e.getMessage() + ": " + reason, e.getSQLState(), e.getErrorCode(),
            e);
  }

  /**
   * What a pmsql server said, from the first of the server's stack traces Avatica's client
   * keeps instead of the message: pmsql's server sends the reason alone, as that exception's.
   */
  private static String serverReason(SQLException e) {
    if (!(e instanceof AvaticaSqlException remote) || remote.getStackTraces().isEmpty()) {
      return null;
    }
    String first = remote.getStackTraces().get(0).lines().findFirst().orElse("");
    // Avatica's runtime exception shows itself as [Messsage: '...', Error code: ...]
    int start = first.indexOf(AVATICA_MESSAGE);
    int end = first.lastIndexOf("', Error code");
    return start < 0 || end < start ? null : first.substring(start + AVATICA_MESSAGE.length(), end);
  }
}
