package org.pmsql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.testsupport.PcpTools;

/**
 * A few archives are read without the default catalog (Chronicle Map's second of start-up
 * would be most of a small query's time); many use it; a catalog someone named is always used.
 */
class CatalogChoiceTest {
  @Test
  void theDefaultCatalogServesOnlySetsOfMoreThanAFewArchives() {
    // the build names a catalog for every test JVM; this test is about the unnamed default
    String named = System.clearProperty("pmsql.catalog");
    try {
      Path small = PcpTools.corpus().resolve("20180102");
      Path fleet = PcpTools.corpus();
      assertTrue(ArchiveDiscovery.count(List.of(fleet)) > PcpDriver.SMALL_SET);
      if (System.getenv("PMSQL_CATALOG") == null) {
        assertNull(PcpDriver.catalogDirectory(null, List.of(small)));
        assertEquals(PcpDriver.catalogDirectory(null), PcpDriver.catalogDirectory(null,
            List.of(fleet)));
      }
      Path chosen = Path.of("/tmp/some-catalog");
      assertEquals(chosen, PcpDriver.catalogDirectory(chosen.toString(), List.of(small)));
      assertNull(PcpDriver.catalogDirectory("none", List.of(fleet)));
    } finally {
      if (named != null) {
        System.setProperty("pmsql.catalog", named);
      }
    }
  }
}
