package org.pmsql.pmseries;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected texts are Python's '%e' and '%.6f', which round the exact value as glibc does. */
class CNumbersTest {
  @ParameterizedTest
  @CsvSource({"98791965.0, 9.879196e+07, 98791965.000000", "0.5, 5.000000e-01, 0.500000",
      "1.2345675, 1.234568e+00, 1.234568", "2.5e-7, 2.500000e-07, 0.000000",
      "-0.0, -0.000000e+00, -0.000000", "-1e-9, -1.000000e-09, -0.000000",
      "123456789012.0, 1.234568e+11, 123456789012.000000", "0.35, 3.500000e-01, 0.350000",
      "5e-324, 4.940656e-324, 0.000000", "0.1234565, 1.234565e-01, 0.123456",
      "9999999.5, 1.000000e+07, 9999999.500000", "1e300, 1.000000e+300,"})
  void printsAsCPrintsIt(double value, String exponent, String sixDecimals) {
    assertEquals(exponent, CNumbers.exponent(value));
    if (sixDecimals != null) {
      assertEquals(sixDecimals, CNumbers.sixDecimals(value));
    }
  }
}
