package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

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

      // The damaged volume gives its whole records, libpcp's too, and then is reported.
      long libpcp = LibpcpTotals.of(PcpTools.BAD_CORPUS.resolve("badlen-3")).values().stream()
          .mapToLong(t -> t.count).sum();
      assertEquals(libpcp, Sql.rows(c, "SELECT count(*) FROM bozo.metrics").get(0)[0]);
      List<Object[]> after = Sql.rows(c, "SELECT message FROM pcp.archive_errors");
      assertEquals(2, after.size());
      String message = (String) after.get(1)[0];
      assertTrue(message.contains("badlen-3.0: at byte offset"), message);
    }
  }
}
