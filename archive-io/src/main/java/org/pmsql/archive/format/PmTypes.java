package org.pmsql.archive.format;

/** PCP's metric value types, semantics and the instance and pmID encodings (pmapi.h). */
public final class PmTypes {
  public static final int TYPE_32 = 0;
  public static final int TYPE_U32 = 1;
  public static final int TYPE_64 = 2;
  public static final int TYPE_U64 = 3;
  public static final int TYPE_FLOAT = 4;
  public static final int TYPE_DOUBLE = 5;
  public static final int TYPE_STRING = 6;
  public static final int TYPE_AGGREGATE = 7;
  public static final int TYPE_AGGREGATE_STATIC = 8;
  public static final int TYPE_EVENT = 9;
  public static final int TYPE_HIGHRES_EVENT = 10;
  /** A metric seen in data with no descriptor in the metadata. */
  public static final int TYPE_UNKNOWN = -1;

  public static final int SEM_COUNTER = 1;
  public static final int SEM_INSTANT = 3;
  public static final int SEM_DISCRETE = 4;

  public static final int INDOM_NULL = 0xffffffff;
  /** The instance of a singular metric's only value. */
  public static final int IN_NULL = -1;

  private static final String[] TYPE_NAMES = {
    "32", "u32", "64", "u64", "float", "double", "string", "aggregate", "aggregate_static",
    "event", "highres_event"
  };

  private PmTypes() {}

  public static boolean isNumeric(int type) {
    return type >= TYPE_32 && type <= TYPE_DOUBLE;
  }

  public static boolean isInteger(int type) {
    return type >= TYPE_32 && type <= TYPE_U64;
  }

  public static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "unknown(" + type + ")";
  }

  public static String semanticsName(int sem) {
    switch (sem) {
      case SEM_COUNTER:
        return "counter";
      case SEM_INSTANT:
        return "instant";
      case SEM_DISCRETE:
        return "discrete";
      default:
        return "unknown(" + sem + ")";
    }
  }

  /** pmID as PCP prints it: domain.cluster.item. */
  public static String pmidString(int pmid) {
    return ((pmid >>> 22) & 0x1ff) + "." + ((pmid >>> 10) & 0xfff) + "." + (pmid & 0x3ff);
  }

  /** pmInDom as PCP prints it: domain.serial, or PM_INDOM_NULL. */
  public static String indomString(int indom) {
    return indom == INDOM_NULL ? "PM_INDOM_NULL" : ((indom >>> 22) & 0x1ff) + "." + (indom & 0x3fffff);
  }
}
