package org.pmsql.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.Label;
import org.pmsql.archive.format.MetadataReader;
import org.pmsql.archive.source.ByteSource;
import org.pmsql.archive.source.ByteSources;
import org.pmsql.testsupport.PcpTools;

/**
 * The corpus .meta files of a megabyte and more (busy hosts' process domains) are read with
 * their instance domains located, not decoded; a domain decoded when first asked for holds
 * exactly what decoding the whole file gives: every instance's name at the start, at every
 * change and at the end. Prints what the laziness saves at open.
 */
class LazyMetadataTest {
  @ParameterizedTest
  @ValueSource(strings = {"20180102", "bozo-20170904"})
  void aDomainDecodedWhenAskedForEqualsTheWholeFilesReading(String name) throws Exception {
    Path meta = PcpTools.corpus().resolve(name + ".meta");
    long started = System.nanoTime();
    ArchiveMetadata whole = read(meta, false);
    long eager = System.nanoTime() - started;
    started = System.nanoTime();
    ArchiveMetadata lazy = read(meta, true);
    long located = System.nanoTime() - started;
    assertEquals(new TreeMap<>(byPmid(whole)), new TreeMap<>(byPmid(lazy)));
    int domains = 0;
    for (InstanceDomain domain : whole.indoms()) {
      InstanceDomain asked = lazy.indom(domain.indom());
      assertEquals(domain.snapshots().size(), asked.snapshots().size());
      for (int i = 0; i < domain.snapshots().size(); i++) {
        InstanceDomain.Snapshot want = domain.snapshots().get(i);
        InstanceDomain.Snapshot got = asked.snapshots().get(i);
        assertEquals(want.stampNanos(), got.stampNanos());
        assertArrayEquals(want.ids(), got.ids(), name + " " + domain.indom());
        assertArrayEquals(want.names(), got.names(), name + " " + domain.indom());
        for (int id : want.ids()) {
          assertEquals(whole.instanceName(domain.indom(), id, want.stampNanos()),
              lazy.instanceName(domain.indom(), id, want.stampNanos()));
        }
      }
      domains++;
    }
    assertEquals(domains, lazy.indoms().size());
    assertTrue(domains > 0);
    System.out.printf("%s.meta: %d bytes, whole read %.1f ms, domains located %.1f ms%n", name,
        meta.toFile().length(), eager / 1e6, located / 1e6);
  }

  private static ArchiveMetadata read(Path meta, boolean lazy) throws Exception {
    try (ByteSource source = ByteSources.open(meta)) {
      byte[] b = new byte[Label.MAX_LENGTH];
      Label label = Label.decode(b, source.read(0, b, 0, b.length), source.name());
      return MetadataReader.read(source, label, lazy ? () -> ByteSources.open(meta) : null);
    }
  }

  private static Map<Integer, String> byPmid(ArchiveMetadata metadata) {
    Map<Integer, String> descs = new TreeMap<>();
    metadata.descs().forEach(d -> descs.put(d.pmid(), d.toString()));
    return descs;
  }
}
