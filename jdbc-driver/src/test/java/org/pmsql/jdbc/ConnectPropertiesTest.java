package org.pmsql.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pmsql.cli.CliRun;

/** The one list of connection properties is what the driver reads, checks and documents. */
class ConnectPropertiesTest {
  private static Properties of(String key, String value) {
    Properties p = new Properties();
    p.setProperty(key, value);
    return p;
  }

  @Test
  void defaultsApplyAndGivenValuesWin() throws SQLException {
    Properties none = new Properties();
    assertEquals(5, ConnectProperties.SERVERS_TIMEOUT.seconds(none));
    assertEquals(300, ConnectProperties.SERVERS_QUERY_TIMEOUT.seconds(none));
    assertEquals(3, ConnectProperties.DISCOVER_TIMEOUT.seconds(none));
    assertEquals("UTC", ConnectProperties.TIME_ZONE.get(none));
    assertEquals(7, ConnectProperties.SERVERS_TIMEOUT.seconds(of("servers_timeout", " 7 ")));
    assertEquals(List.of("http://a:1", "http://b:2"),
        ConnectProperties.SERVERS.list(of("servers", " http://a:1, ,http://b:2,")));
    assertEquals(List.of(), ConnectProperties.SERVERS.list(none));
  }

  @Test
  void valuesOfTheWrongKindAreRefusedNamingTheKey() {
    for (String[] bad : new String[][] {{"servers_timeout", "0"}, {"discover_timeout", "soon"},
        {"servers_required", "maybe"}, {"timeZone", "Mars/Olympus"}, {"catalog", " "},
        {"archive", "/tmp"}, {"archives", "/no/such/archive/here"}}) {
      SQLException e = assertThrows(SQLException.class,
          () -> ConnectProperties.check(of(bad[0], bad[1])), bad[0]);
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
  }

  @Test
  void helpAndReadmeListEveryPropertyWithItsDefault() throws Exception {
    String help = CliRun.pmsql("--help").out();
    String readme = Files.readString(Path.of("../README.md"));
    for (ConnectProperties p : ConnectProperties.values()) {
      String shown = p.defaultValue == null ? "-" : p.defaultValue;
      assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(p.key) + "\\s+" + Pattern.quote(shown)
          + "\\s").matcher(help).find(), p.key + " in pmsql --help:\n" + help);
      assertTrue(readme.contains("| `" + p.key + "` | "
          + (p.defaultValue == null ? "" : "`" + p.defaultValue + "`")), p.key + " in README");
    }
  }
}
