package org.pmsql.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.archive.PcpTools;

/** A damaged archive among good ones: reported with file and offset, the others still answer. */
class DamagedArchivesTest {
  @Test
  void damageIsReportedAndTheRestStillAnswers() throws Exception {
    try (Connection c = Sql.connect(Sql.sample(), PcpTools.BAD_CORPUS.resolve("badlabel-1"),
        PcpTools.BAD_CORPUS.resolve("badlen-3"))) {
      List<Object[]> errors = Sql.rows(c, "SELECT file_path, message FROM pcp.archive_errors");
      assertEquals(1, errors.size());
      assertTrue(((String) errors.get(0)[0]).endsWith("badlabel-1.meta"));
      assertTrue(((String) errors.get(0)[1]).contains("at byte offset 4"), (String) errors.get(0)[1]);

      assertEquals(2, Sql.rows(c, "SELECT host FROM pcp.hosts").size());
      assertEquals(180L, Sql.rows(c, "SELECT count(*) FROM vm.\"kernel.all.load\"").get(0)[0]);

      SQLException e = assertThrows(SQLException.class,
          () -> Sql.rows(c, "SELECT count(*) FROM bozo.metrics"));
      String message = String.valueOf(e.getCause() == null ? e.getMessage()
          : rootMessage(e));
      assertTrue(message.contains("badlen-3.0: at byte offset"), message);
    }
  }

  private static String rootMessage(Throwable e) {
    String m = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        m = t.getMessage();
      }
    }
    return m;
  }
}
