package org.pmsql.sqltests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.sql.PcpPrepare;
import org.pmsql.sql.PcpTypeSystem;
import org.pmsql.sql.SqlRules;
import org.pmsql.testsupport.PcpTools;

/**
 * libpcp's reading of one archive served as SQL in pmsql's table shapes, so that a script's
 * queries can be answered a second time by PCP itself: values from the libpcp oracle's dump,
 * counter rates from {@code pmrep -u}, label facts from {@code pmdumplog -L}, volumes from the
 * files on disk. Nothing here reads the archive with pmsql's own code.
 */
public final class LibpcpReference {
  private static final int SEM_COUNTER = 1;
  private static final String SINGULAR = "ffffffff";
  private static final DateTimeFormatter LABEL_TIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss.SSSSSS yyyy", Locale.ENGLISH);

  private LibpcpReference() {}

  /**
   * A Calcite connection with the same identifier and time-zone rules as jdbc:pcp: and its
   * planning (session-zone literals, TUMBLE and HOP, ASOF joins), over libpcp's values.
   */
  public static Connection connect(Path archive) throws Exception {
    return connect(archive, true);
  }

  /**
   * The same; without {@code rates} the rate column is null (pmrep refuses some archives whole,
   * such as one whose metric names an instance domain it never logged).
   */
  public static Connection connect(Path archive, boolean rates) throws Exception {
    Properties props = new Properties();
    props.setProperty("timeZone", "UTC");
    props.putAll(SqlRules.connectionDefaults());
    props.setProperty("typeSystem", PcpTypeSystem.class.getName() + "#INSTANCE");
    Connection connection = new org.apache.calcite.jdbc.Driver()
        .withPrepareFactory(PcpPrepare::new).connect("jdbc:calcite:", props);
    SchemaPlus root = connection.unwrap(CalciteConnection.class).getRootSchema();
    Dump dump = Dump.read(archive, rates);
    Label label = Label.read(archive);
    String host = dump.host;

    SchemaPlus hostSchema = root.add(host, new AbstractSchema());
    hostSchema.add("metrics", new RowsTable(METRICS, dump.rows));
    for (String metric : dump.metricNames()) {
      List<Object[]> rows = dump.rows.stream().filter(r -> r[2].equals(metric))
          .map(r -> withoutColumn(r, 2)).toList();
      hostSchema.add(metric, new RowsTable(f -> withoutColumn(f, METRICS.apply(f), 2), rows));
    }
    List<Object[]> archives = new ArrayList<>();
    archives.add(new Object[] {archive.toString(), dump.version, volumeCount(archive),
        label.start, label.end, label.timeZone});
    hostSchema.add("archives", new RowsTable(ARCHIVES, archives));
    List<Object[]> names = new ArrayList<>();
    for (String[] d : dump.descs.values()) {
      List<String> all = List.of(d[6].split(","));
      names.add(new Object[] {all.get(0),
          all.size() < 2 ? null : String.join(", ", all.subList(1, all.size()))});
    }
    // the names libpcp gives each metric: the one it reports, then the others in byte order
    hostSchema.add("descs", new RowsTable(f -> f.builder()
        .add("metric", SqlTypeName.VARCHAR)
        .add("aliases", SqlTypeName.VARCHAR).nullable(true)
        .build(), names));

    SchemaPlus pcp = root.add("pcp", new AbstractSchema());
    List<Object[]> hosts = new ArrayList<>();
    hosts.add(new Object[] {host, label.start, label.end, 1, dump.metricNames().size()});
    pcp.add("hosts", new RowsTable(HOSTS, hosts));
    // as jdbc:pcp: does with one host
    connection.setSchema(host);
    return connection;
  }

  private static final Function<RelDataTypeFactory, RelDataType> METRICS = f -> f.builder()
      .add("ts", SqlTypeName.TIMESTAMP, 3)
      .add("ts_ns", SqlTypeName.BIGINT)
      .add("metric", SqlTypeName.VARCHAR)
      .add("inst", SqlTypeName.INTEGER).nullable(true)
      .add("instance", SqlTypeName.VARCHAR).nullable(true)
      .add("val", SqlTypeName.DOUBLE).nullable(true)
      .add("val_text", SqlTypeName.VARCHAR).nullable(true)
      .add("val_exact", SqlTypeName.DECIMAL, 20, 0).nullable(true)
      .add("rate", SqlTypeName.DOUBLE).nullable(true)
      .build();

  private static final Function<RelDataTypeFactory, RelDataType> ARCHIVES = f -> f.builder()
      .add("file_path", SqlTypeName.VARCHAR)
      .add("format_version", SqlTypeName.INTEGER)
      .add("volume_count", SqlTypeName.INTEGER)
      .add("start_ts", SqlTypeName.TIMESTAMP, 3)
      .add("end_ts", SqlTypeName.TIMESTAMP, 3)
      .add("time_zone", SqlTypeName.VARCHAR)
      .build();

  private static final Function<RelDataTypeFactory, RelDataType> HOSTS = f -> f.builder()
      .add("host", SqlTypeName.VARCHAR)
      .add("first_ts", SqlTypeName.TIMESTAMP, 3)
      .add("last_ts", SqlTypeName.TIMESTAMP, 3)
      .add("archive_count", SqlTypeName.INTEGER)
      .add("metric_count", SqlTypeName.INTEGER)
      .build();

  private static RelDataType withoutColumn(RelDataTypeFactory factory, RelDataType type,
      int column) {
    List<RelDataType> types = new ArrayList<>();
    List<String> names = new ArrayList<>();
    type.getFieldList().forEach(f -> {
      if (f.getIndex() != column) {
        types.add(f.getType());
        names.add(f.getName());
      }
    });
    return factory.createStructType(types, names);
  }

  private static Object[] withoutColumn(Object[] row, int column) {
    Object[] out = new Object[row.length - 1];
    System.arraycopy(row, 0, out, 0, column);
    System.arraycopy(row, column + 1, out, column, out.length - column);
    return out;
  }

  private static int volumeCount(Path archive) throws Exception {
    String base = archive.getFileName().toString();
    try (Stream<Path> files = Files.list(archive.toAbsolutePath().getParent())) {
      return (int) files.map(p -> p.getFileName().toString())
          .filter(n -> n.matches(Pattern.quote(base) + "\\.\\d+")).count();
    }
  }

  /** The oracle's escaped bytes, read as UTF-8 as pmsql reads names and strings. */
  private static String unescape(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x') {
        bytes.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The oracle's dump as rows of the metrics table, with pmrep's rates for counters. */
  public static final class Dump {
    public String host;
    public int version;
    public final Map<String, String[]> descs = new LinkedHashMap<>();
    public final List<Object[]> rows = new ArrayList<>();
    /** Metric and instance names met before, each held once however many values carry it. */
    private final Map<String, String> metricNames = new HashMap<>();
    private final Map<String, String> instanceNames = new HashMap<>();

    public List<String> metricNames() {
      return descs.values().stream().map(d -> d[6].split(",")[0]).sorted().toList();
    }

    public static Dump read(Path archive, boolean withRates) throws Exception {
      Path out = Files.createTempFile("oracle", ".txt");
      try {
        PcpTools.Result r = PcpTools.run(300, out, PcpTools.oracle().toString(), "dump",
            archive.toString());
        assertEquals(0, r.exitCode(), r.output());
        // read twice, descriptors then values, rather than held whole: a large archive's
        // dump is millions of lines
        Dump dump = new Dump();
        try (BufferedReader reader = Files.newBufferedReader(out, StandardCharsets.ISO_8859_1)) {
          reader.lines().filter(l -> l.startsWith("L ") || l.startsWith("D "))
              .map(l -> l.split(" ")).forEach(f -> {
                if (f[0].equals("L")) {
                  dump.host = unescape(f[1]);
                  dump.version = Integer.parseInt(f[2]);
                } else {
                  dump.descs.put(f[1], f);
                }
              });
        }
        List<String> counters = dump.descs.values().stream()
            .filter(d -> !d[4].equals("?") && Integer.parseInt(d[4]) == SEM_COUNTER)
            .map(d -> d[6].split(",")[0]).toList();
        PmrepRates rates = counters.isEmpty() || !withRates ? null
            : PmrepRates.of(archive, counters);
        try (BufferedReader reader = Files.newBufferedReader(out, StandardCharsets.ISO_8859_1)) {
          dump.addValues(reader, rates);
        }
        return dump;
      } finally {
        Files.deleteIfExists(out);
      }
    }

    private void addValues(BufferedReader lines, PmrepRates rates) throws IOException {
      long ns = 0;
      String[] desc = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "R" -> {
            String[] stamp = f[1].split("\\.");
            ns = Long.parseLong(stamp[0]) * 1_000_000_000L + Long.parseLong(stamp[1]);
          }
          case "S" -> desc = descs.get(f[1]);
          case "V" -> rows.add(row(ns, desc, f, rates));
          // the records inside an event value; the value itself is all the reference holds
          case "E" -> { }
          case "X" -> throw new AssertionError("not in the reference yet: " + line);
          default -> { }
        }
      }
    }

    private Object[] row(long ns, String[] desc, String[] v, PmrepRates rates) {
      String metric = metricNames.computeIfAbsent(desc[6], n -> n.split(",")[0]);
      boolean singular = desc[3].equals(SINGULAR);
      // "?": libpcp has no name for the instance at that time, which pmsql shows as null
      String instance = singular || v[2].equals("?") ? null
          : instanceNames.computeIfAbsent(v[2], LibpcpReference::unescape);
      String value = v[3];
      Double val = null;
      String text = null;
      BigDecimal exact = null;
      if (value.matches("-?\\d+")) {
        exact = new BigDecimal(value);
        val = exact.doubleValue();
      } else if (value.startsWith("f")) {
        val = (double) Float.intBitsToFloat((int) Long.parseLong(value.substring(1), 16));
      } else if (value.startsWith("d")) {
        val = Double.longBitsToDouble(Long.parseUnsignedLong(value.substring(1), 16));
      } else if (value.startsWith("s")) {
        text = unescape(value.substring(1));
      } else if (value.startsWith("a")) {
        text = value.substring(1);
      } else if (value.startsWith("e")) {
        // libpcp unpacks events but does not show their bytes, which pmsql's val_text holds:
        // the reference leaves val_text of event values out (null)
        text = null;
      } else {
        throw new AssertionError("not in the reference yet: " + Arrays.toString(v));
      }
      Double rate = rates != null && rates.has(metric, ns, instance)
          ? rates.rate(metric, ns, instance) : null;
      return new Object[] {Math.floorDiv(ns, 1_000_000L), ns, metric,
          singular ? null : Integer.valueOf(v[1]), instance, val, text, exact, rate};
    }
  }

  /** Start, end and time zone as {@code pmdumplog -L} prints them. */
  private record Label(long start, long end, String timeZone) {
    static Label read(Path archive) throws Exception {
      PcpTools.Result r = PcpTools.run(60, PcpTools.tool("pmdumplog").toString(), "-Z", "UTC",
          "-L", archive.toString());
      assertEquals(0, r.exitCode(), r.output());
      Map<String, String> fields = new HashMap<>();
      r.output().lines().map(String::trim).forEach(l -> {
        for (String key : List.of("commencing ", "ending ", "Archive timezone: ")) {
          if (l.startsWith(key)) {
            fields.put(key.trim(), l.substring(key.length()).trim());
          }
        }
      });
      return new Label(millis(fields.get("commencing")), millis(fields.get("ending")),
          fields.get("Archive timezone:"));
    }

    private static long millis(String time) {
      return LocalDateTime.parse(time.replaceAll("\\s+", " "), LABEL_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
  }

  /** A table over rows held in memory, in the internal representation Calcite scans. */
  private static final class RowsTable extends AbstractTable implements ScannableTable {
    private final Function<RelDataTypeFactory, RelDataType> type;
    private final List<Object[]> rows;

    RowsTable(Function<RelDataTypeFactory, RelDataType> type, List<Object[]> rows) {
      this.type = type;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return type.apply(typeFactory);
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows);
    }
  }
}
