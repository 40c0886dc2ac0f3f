package org.pmsql.archive.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.source.ByteSource;

/** Decodes a .meta file into {@link ArchiveMetadata}. Record layouts: logmeta.c, e_indom.c. */
public final class MetadataReader {
  static final int TYPE_DESC = 1;
  static final int TYPE_INDOM_V2 = 2;
  static final int TYPE_LABEL_V2 = 3;
  static final int TYPE_TEXT = 4;
  static final int TYPE_INDOM = 5;
  static final int TYPE_INDOM_DELTA = 6;
  static final int TYPE_LABEL = 7;
  /** Header, type word, trailer: nothing shorter is a record. */
  public static final int MIN_RECORD = 12;

  private MetadataReader() {}

  /**
   * A .meta file at least this long has its instance domains decoded one domain at a time, when
   * first asked for: a busy host's process domains are most of such a file, and a query on one
   * metric needs at most one domain.
   */
  public static final long LAZY_INDOMS_FROM = 1 << 20;

  /** Reads every record after the label; the label itself was checked by the caller. */
  public static ArchiveMetadata read(ByteSource meta, Label label) throws IOException {
    return read(meta, label, null);
  }

  /**
   * The same; when {@code reopen} is given and the file is large, instance domain records are
   * only located (their framing checked), and decoded from a source {@code reopen} opens when
   * their domain is first asked for.
   */
  public static ArchiveMetadata read(ByteSource meta, Label label, Source reopen)
      throws IOException {
    boolean lazy = reopen != null && meta.size() >= LAZY_INDOMS_FROM;
    ArchiveMetadata metadata = lazy ? new ArchiveMetadata(reopen) : new ArchiveMetadata();
    RecordStream records = new RecordStream(meta, label.length(), MIN_RECORD);
    while (records.next()) {
      byte[] b = records.buffer();
      int at = records.recordOffset();
      int type = BigEndian.getInt(b, at + 4);
      boolean indom = type == TYPE_INDOM_V2 || type == TYPE_INDOM || type == TYPE_INDOM_DELTA;
      int idAt = at + 8 + (type == TYPE_INDOM_V2 ? 8 : 12);
      if (lazy && indom && idAt + 4 <= at + records.recordLength() - 4) {
        metadata.logged(indomStamp(b, at, records.recordLength(), type, meta.name(),
            records.recordStart()));
        metadata.locateIndom(BigEndian.getInt(b, idAt), records.recordStart(),
            records.recordLength());
      } else {
        apply(metadata, b, at, records.recordLength(), meta.name(), records.recordStart());
      }
    }
    return metadata;
  }

  /** Opens the .meta file again, to decode what was only located. */
  @FunctionalInterface
  public interface Source {
    ByteSource open() throws IOException;
  }

  /**
   * Adds one whole .meta record (length words included) to {@code metadata}; how a follower
   * takes in the records a logger appends.
   */
  public static void apply(ArchiveMetadata metadata, byte[] buffer, int offset, int length,
      String file, long fileOffset) throws ArchiveFormatException {
    FieldReader r = new FieldReader(buffer, offset + 4, length - 8, file, fileOffset + 4);
    int type = r.i32();
    switch (type) {
      case TYPE_DESC:
        metadata.addDesc(desc(r));
        break;
      case TYPE_INDOM_V2:
      case TYPE_INDOM:
      case TYPE_INDOM_DELTA:
        metadata.logged(indomStamp(buffer, offset, length, type, file, fileOffset));
        indom(r, type, metadata::indomFor);
        break;
      case TYPE_LABEL_V2:
      case TYPE_LABEL:
        metadata.addLabels(labels(r, type == TYPE_LABEL_V2 ? 2 : 3));
        break;
      case TYPE_TEXT:
        metadata.addText(text(r));
        break;
      default:
        throw new ArchiveFormatException(file, fileOffset + 4,
            "unknown metadata record type " + type);
    }
  }

  /** The time of an instance domain record (length words included). */
  private static long indomStamp(byte[] b, int offset, int length, int type, String file,
      long fileOffset) throws ArchiveFormatException {
    return new FieldReader(b, offset + 8, length - 12, file, fileOffset + 8)
        .stamp(type == TYPE_INDOM_V2 ? 2 : 3);
  }

  private static MetricDesc desc(FieldReader r) throws ArchiveFormatException {
    int pmid = r.i32();
    int type = r.i32();
    int indom = r.i32();
    int sem = r.i32();
    Units units = new Units(r.i32());
    // A descriptor written with no names omits even the count word.
    int count = r.remaining() == 0 ? 0 : r.count(4, "name");
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(r.cString(r.i32()));
    }
    return new MetricDesc(pmid, type, indom, sem, units, List.copyOf(names));
  }

  /** Adds a whole instance domain record (length words included) to {@code into}. */
  static void decodeIndom(byte[] record, String file, long fileOffset, InstanceDomain into)
      throws ArchiveFormatException {
    FieldReader r = new FieldReader(record, 4, record.length - 8, file, fileOffset + 4);
    int type = r.i32();
    indom(r, type, indom -> {
      if (indom != into.indom()) {
        throw new IllegalStateException("located record of another domain");
      }
      return into;
    });
  }

  private static void indom(FieldReader r, int type, IntFunction<InstanceDomain> domains)
      throws ArchiveFormatException {
    long stamp = r.stamp(type == TYPE_INDOM_V2 ? 2 : 3);
    int indom = r.i32();
    int n = r.count(8, "instance");
    int[] ids = new int[n];
    int[] stridx = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r.i32();
    }
    for (int i = 0; i < n; i++) {
      stridx[i] = r.i32();
    }
    int table = r.pos();
    String[] names = new String[n];
    boolean delta = type == TYPE_INDOM_DELTA;
    for (int i = 0; i < n; i++) {
      if (delta && stridx[i] == -1) {
        continue;
      }
      String name = stridx[i] < 0 ? null : r.cStringAt(table + stridx[i], r.end());
      if (name == null) {
        throw r.error(table, "instance " + ids[i] + " has a name offset " + stridx[i]
            + " outside its record's string table");
      }
      names[i] = name;
    }
    InstanceDomain domain = domains.apply(indom);
    if (delta && domain.hasFullRecord()) {
      domain.addDelta(stamp, ids, names);
    } else if (delta) {
      throw r.error(table, "delta record for instance domain " + PmTypes.indomString(indom)
          + " before any full record");
    } else {
      domain.addFull(stamp, ids, names);
    }
  }

  private static LabelRecord labels(FieldReader r, int stampVersion)
      throws ArchiveFormatException {
    long stamp = r.stamp(stampVersion);
    int labelType = r.i32();
    int ident = r.i32();
    int nsets = r.count(12, "label set");
    List<LabelRecord.Set> sets = new ArrayList<>(nsets);
    for (int i = 0; i < nsets; i++) {
      int inst = r.i32();
      int jsonLength = r.i32();
      int jsonAt = r.pos();
      String json = r.utf8(jsonLength);
      int at = r.pos();
      int nlabels = r.i32();
      List<LabelRecord.Entry> entries = new ArrayList<>(Math.max(0, Math.min(nlabels, 256)));
      if (nlabels > 0) {
        if ((long) nlabels * 8 > r.remaining()) {
          throw r.error(at, "label count " + nlabels + " does not fit in the record");
        }
        for (int l = 0; l < nlabels; l++) {
          int entryAt = r.pos();
          int nameOffset = r.u16();
          int nameLength = r.u8();
          int flags = r.u8();
          int valueOffset = r.u16();
          int valueLength = r.u16();
          if (nameOffset + nameLength > jsonLength || valueOffset + valueLength > jsonLength) {
            throw r.error(entryAt, "label " + l + " lies outside its " + jsonLength
                + "-byte JSON");
          }
          entries.add(new LabelRecord.Entry(r.utf8At(jsonAt + nameOffset, nameLength),
              r.utf8At(jsonAt + valueOffset, valueLength), flags));
        }
      }
      sets.add(new LabelRecord.Set(inst, json, List.copyOf(entries)));
    }
    return new LabelRecord(stamp, labelType, ident, List.copyOf(sets));
  }

  private static HelpText text(FieldReader r) throws ArchiveFormatException {
    int textType = r.i32();
    int ident = r.i32();
    int at = r.pos();
    String text = r.cStringAt(at, r.end());
    if (text == null) {
      // Some writers omit the terminator; the record end bounds the text either way.
      text = r.utf8(r.remaining());
    }
    return new HelpText(textType, ident, text);
  }
}
