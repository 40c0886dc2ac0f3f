package org.pmsql.archive.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.source.ByteSource;

/** Everything an archive's .meta file says: descriptors, instance domains, labels and texts. */
public final class ArchiveMetadata {
  private final Map<Integer, MetricDesc> descs = new HashMap<>();
  private final IntObjectMap<MetricDesc> descsByPmid = new IntObjectMap<>();
  private final Map<Integer, InstanceDomain> indoms = new HashMap<>();
  private final IntObjectMap<InstanceDomain> indomsById = new IntObjectMap<>();
  private final Map<Long, HelpText> texts = new HashMap<>();
  private final List<LabelRecord> labels = new ArrayList<>();
  /**
   * When each metric was first logged: the time of the first instance domain or label record
   * after its first descriptor (pmlogger writes a batch of those, all of one time, just before
   * the values that needed them). Metrics whose descriptor no such record has followed yet
   * wait in {@link #awaitingTime}.
   */
  private final Map<Integer, Long> firstLoggedNanos = new HashMap<>();
  private final List<Integer> awaitingTime = new ArrayList<>();
  private final Map<String, MetricDesc> byName = new HashMap<>();
  /** Each namespace node (a name's dotted prefix, or the name) by when it first appeared. */
  private final Map<String, Integer> namespaceNodes = new HashMap<>();
  /**
   * A large file's instance domain records, located but decoded only when their domain is first
   * asked for (file offsets and lengths, in file order); filled before the metadata is
   * published, never changed after.
   */
  private final Map<Integer, List<long[]>> located = new HashMap<>();
  private final Map<Integer, InstanceDomain> decoded = new ConcurrentHashMap<>();
  private final MetadataReader.Source reopen;

  /** Empty, for a follower to fill as records arrive ({@link MetadataReader#apply}). */
  public ArchiveMetadata() {
    this(null);
  }

  /** Empty; instance domain records located in it are decoded from what {@code reopen} opens. */
  ArchiveMetadata(MetadataReader.Source reopen) {
    this.reopen = reopen;
  }

  public MetricDesc desc(int pmid) {
    return descsByPmid.get(pmid);
  }

  public MetricDesc desc(String name) {
    return byName.get(name);
  }

  public Collection<MetricDesc> descs() {
    return descs.values();
  }

  public InstanceDomain indom(int indom) {
    InstanceDomain domain = indomsById.get(indom);
    if (domain == null && located.containsKey(indom)) {
      domain = decoded.computeIfAbsent(indom, this::decodeLocated);
    }
    return domain;
  }

  public Collection<InstanceDomain> indoms() {
    if (located.isEmpty()) {
      return indoms.values();
    }
    List<InstanceDomain> all = new ArrayList<>(indoms.values());
    located.keySet().forEach(indom -> all.add(indom(indom)));
    return all;
  }

  public List<LabelRecord> labels() {
    return labels;
  }

  /**
   * When the metric was first logged, as far as the metadata tells: the time of the first
   * instance domain or label record after its descriptor; {@link Long#MAX_VALUE} when none
   * followed it.
   */
  public long firstLoggedNanos(int pmid) {
    return firstLoggedNanos.getOrDefault(pmid, Long.MAX_VALUE);
  }

  /**
   * The one-line or help text of a metric or indom, or null. Like pmLookupText, a missing or empty
   * help text falls back to the one-line text.
   */
  public String text(int textType, int ident) {
    HelpText t = texts.get(textKey(textType, ident));
    if ((t == null || t.text().isEmpty()) && (textType & HelpText.HELP) != 0) {
      t = texts.get(textKey((textType & ~HelpText.HELP) | HelpText.ONELINE, ident));
    }
    return t == null ? null : t.text();
  }

  /**
   * The name of an instance at a time, as pmNameInDom gives it for an archive context; null
   * when the instance is unknown then.
   */
  public String instanceName(int indom, int inst, long nanos) {
    InstanceDomain domain = indom(indom);
    return domain == null ? null : domain.nameAt(inst, nanos);
  }

  /**
   * Adds a descriptor's names to the namespace as libpcp does, so each metric's names come in
   * libpcp's order (pmNameAll's; the first is pmNameID's, the name PCP tools report): a name
   * already in the namespace is ignored (pmlogextract repeats descriptors, and names within
   * one), and names are ordered by their namespace nodes, each component's node created
   * earlier in the file first.
   */
  void addDesc(MetricDesc desc) {
    MetricDesc known = descs.get(desc.pmid());
    if (known == null) {
      awaitingTime.add(desc.pmid());
    }
    List<String> names = new ArrayList<>(known == null ? List.of() : known.names());
    for (String name : desc.names()) {
      if (!byName.containsKey(name) && !names.contains(name)) {
        addNodes(name);
        names.add(name);
      }
    }
    names.sort(this::namespaceOrder);
    desc = new MetricDesc(desc.pmid(), desc.type(), desc.indom(), desc.semantics(),
        desc.units(), List.copyOf(names));
    descs.put(desc.pmid(), desc);
    descsByPmid.put(desc.pmid(), desc);
    for (String name : desc.names()) {
      byName.put(name, desc);
    }
  }

  /** Numbers each namespace node (every dotted prefix of a name) when it first appears. */
  private void addNodes(String name) {
    for (int dot = name.indexOf('.'); ; dot = name.indexOf('.', dot + 1)) {
      namespaceNodes.putIfAbsent(dot < 0 ? name : name.substring(0, dot), namespaceNodes.size());
      if (dot < 0) {
        return;
      }
    }
  }

  /** At the first component where two names part, the branch created earlier comes first. */
  private int namespaceOrder(String a, String b) {
    int end = 0;
    while (true) {
      int nextA = a.indexOf('.', end);
      int nextB = b.indexOf('.', end);
      String nodeA = nextA < 0 ? a : a.substring(0, nextA);
      String nodeB = nextB < 0 ? b : b.substring(0, nextB);
      if (!nodeA.equals(nodeB)) {
        return Integer.compare(namespaceNodes.get(nodeA), namespaceNodes.get(nodeB));
      }
      if (nextA < 0 || nextB < 0) {
        return Integer.compare(a.length(), b.length());
      }
      end = nextA + 1;
    }
  }

  InstanceDomain indomFor(int indom) {
    InstanceDomain domain = indomsById.get(indom);
    if (domain == null) {
      domain = new InstanceDomain(indom);
      indoms.put(indom, domain);
      indomsById.put(indom, domain);
    }
    return domain;
  }

  void locateIndom(int indom, long fileOffset, int length) {
    located.computeIfAbsent(indom, i -> new ArrayList<>()).add(new long[] {fileOffset, length});
  }

  /**
   * Decodes one located domain's records, in file order; damage found now is thrown as an
   * UncheckedIOException around the ArchiveFormatException naming file and offset.
   */
  private InstanceDomain decodeLocated(int indom) {
    InstanceDomain domain = new InstanceDomain(indom);
    try (ByteSource source = reopen.open()) {
      for (long[] record : located.get(indom)) {
        byte[] b = new byte[(int) record[1]];
        if (source.read(record[0], b, 0, b.length) != b.length) {
          throw new ArchiveFormatException(source.name(), record[0],
              "instance domain record ends early");
        }
        MetadataReader.decodeIndom(b, source.name(), record[0], domain);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    return domain;
  }

  void addText(HelpText text) {
    texts.put(textKey(text.textType(), text.ident()), text);
  }

  void addLabels(LabelRecord record) {
    labels.add(record);
    logged(record.stampNanos());
  }

  /** A record with this time (a label or instance domain record) comes next in the file. */
  void logged(long stampNanos) {
    for (int pmid : awaitingTime) {
      firstLoggedNanos.put(pmid, stampNanos);
    }
    awaitingTime.clear();
  }

  private static long textKey(int textType, int ident) {
    return ((long) textType << 32) | (ident & 0xffffffffL);
  }
}
