package org.pmsql.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL types of a pmsql connection. DECIMAL holds 38 digits (Calcite's default of 19 cannot
 * hold an unsigned 64-bit counter, 20 digits). Text of different lengths in one column (CASE,
 * UNION) is VARCHAR, as in PostgreSQL, not CHAR padded with blanks ({@code 'big  '}). The
 * average of whole numbers is a DOUBLE with its fraction (Calcite's is a whole number too:
 * avg(inst) of 1 and 2 was 1).
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

  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argument) {
    if (SqlTypeUtil.isExactNumeric(argument)) {
      return typeFactory.createTypeWithNullability(
          typeFactory.createSqlType(SqlTypeName.DOUBLE), argument.isNullable());
    }
    return super.deriveAvgAggType(typeFactory, argument);
  }

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }
}
