package org.pmsql.sql;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL types of a pmsql connection. DECIMAL holds 38 digits (Calcite's default of 19 cannot
 * hold an unsigned 64-bit counter, 20 digits), and character types are UTF-8, the encoding of
 * the names and strings in archives (Calcite's default, ISO-8859-1, refuses a literal such as
 * a non-Latin command line).
 */
public final class PcpTypeSystem extends RelDataTypeSystemImpl {
  public static final PcpTypeSystem INSTANCE = new PcpTypeSystem();
  private static final int DECIMAL_DIGITS = 38;

  private PcpTypeSystem() {}

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? DECIMAL_DIGITS : super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? DECIMAL_DIGITS : super.getMaxScale(typeName);
  }

  /**
   * A type factory of this system; its character types are UTF-8, unless it serves a
   * federated connection: Calcite's JDBC adapter makes the tables of pmsql servers with
   * ISO-8859-1 character types of its own, which UTF-8 literals could not be compared with.
   */
  public static JavaTypeFactory typeFactory(boolean federated) {
    if (federated) {
      return new JavaTypeFactoryImpl(INSTANCE);
    }
    return new JavaTypeFactoryImpl(INSTANCE) {
      @Override
      public Charset getDefaultCharset() {
        return StandardCharsets.UTF_8;
      }
    };
  }
}
