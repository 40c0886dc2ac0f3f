package org.pmsql.pgwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.pmsql.pgsql.PgType;

/** Values as PostgreSQL 15 itself writes and reads them (its answers, taken from psql). */
class ValuesTest {
  @Test
  void doublesAsPostgresqlWritesFloat8() {
    // (not 5e-324: Java 17's digits of the smallest double are 4.9e-324, the same double)
    double[] values = {0.1, 1e15, 123456789012345d, 1e-5, 0.0001, 2.5899999141693115, 1.0, 100,
        1e7, 12345678, -0.5, 1.5e300, 123456789012345.6, 0.00012345, 1e14};
    // SELECT 0.1::float8, 1e15::float8, ... on PostgreSQL 15.18 (psql -A -t)
    String postgresql = "0.1|1e+15|123456789012345|1e-05|0.0001|2.5899999141693115|1|100"
        + "|10000000|12345678|-0.5|1.5e+300|123456789012345.6|0.00012345|100000000000000";
    String[] expected = postgresql.split("\\|");
    for (int i = 0; i < values.length; i++) {
      assertEquals(expected[i], Values.floatText(values[i]), "of " + values[i]);
      assertEquals(values[i], Double.parseDouble(Values.floatText(values[i])));
    }
  }

  @Test
  void instantsOnTheSessionsZone() {
    Instant t = Instant.parse("2026-11-25T02:23:35.069Z");
    assertEquals("2026-11-25 02:23:35.069+00", Values.timestamptzText(t, ZoneId.of("UTC")));
    assertEquals("2026-11-25 07:53:35.069+05:30",
        Values.timestamptzText(t, ZoneId.of("Asia/Kolkata")));
    assertEquals("2026-11-24 21:23:35+00", Values.timestamptzText(Instant.parse(
        "2026-11-24T21:23:35Z"), ZoneId.of("UTC")));
    assertEquals("1969-12-31 23:59:59.5+00", Values.timestamptzText(Instant.parse(
        "1969-12-31T23:59:59.500Z"), ZoneId.of("UTC")));
  }

  @Test
  void timestampParametersWithAndWithoutAnOffset() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertEquals(Instant.parse("2026-11-25T02:23:35.069Z"),
        Values.instant("2026-11-25 02:23:35.069+00", berlin));
    assertEquals(Instant.parse("2026-11-25T01:23:35Z"),
        Values.instant("2026-11-25 02:23:35", berlin));
    assertEquals(Instant.parse("2026-11-24T20:53:35Z"),
        Values.instant("2026-11-25T02:23:35+05:30", berlin));
    assertThrows(IllegalArgumentException.class, () -> Values.instant("yesterday", berlin));
  }

  @Test
  void numericsInBinaryAsPostgresqlSendsThem() {
    // 123.45: digits 123 and 4500, weight 0, positive, scale 2
    assertArrayEquals(new byte[] {0, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, (byte) 0x94},
        Values.numericBinary(new BigDecimal("123.45")));
    // 18446744073709551615: 1844 6744 0737 0955 1615, weight 4
    assertArrayEquals(new byte[] {0, 5, 0, 4, 0, 0, 0, 0, 0x07, 0x34, 0x1a, 0x58, 0x02, (byte) 0xe1,
        0x03, (byte) 0xbb, 0x06, 0x4f},
        Values.numericBinary(new BigDecimal("18446744073709551615")));
    assertEquals(Double.valueOf(2.5), Values.parameter("2.5".getBytes(), 0, PgType.FLOAT8, null,
        ZoneId.of("UTC")));
  }
}
