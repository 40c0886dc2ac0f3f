package org.pmsql.pgsql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The catalog PostgreSQL clients read, over one connection's schemas: {@code pg_catalog}
 * (namespaces, relations, attributes, types, the database, settings; the relations pmsql has
 * nothing for, such as indexes, constraints and policies, are there and empty) and
 * {@code information_schema} (schemata, tables, columns). Each scan reads the schemas as they
 * are then, so hosts that appear are seen; object ids stay the same for the connection's life.
 */
public final class PgCatalog {
  public static final String SCHEMA = "pg_catalog";
  public static final String INFORMATION_SCHEMA = "information_schema";
  public static final String DATABASE = "pcp";
  static final int CATALOG_NAMESPACE = 11;
  static final int INFORMATION_NAMESPACE = 13_000;
  private static final int FIRST_OID = 16_384;
  private static final int DATABASE_OID = 16_383;
  private static final int OWNER_OID = 10;

  /** Relations pmsql never has a row in; a query that inner-joins one has no rows either. */
  static final List<String> EMPTY_RELATIONS = List.of("pg_description", "pg_attrdef",
      "pg_collation", "pg_index", "pg_constraint", "pg_inherits", "pg_trigger", "pg_policy",
      "pg_statistic_ext", "pg_publication", "pg_publication_rel", "pg_publication_namespace",
      "pg_proc", "pg_extension", "pg_depend", "pg_rewrite", "pg_sequence", "pg_enum",
      "pg_foreign_table", "pg_range", "pg_event_trigger", "pg_operator", "pg_aggregate",
      "pg_matviews", "pg_views");

  private final SchemaPlus root;
  private final Function<String, String> settings;
  private final JavaTypeFactory types;
  private final Map<String, Integer> oids = new HashMap<>();

  private PgCatalog(SchemaPlus root, JavaTypeFactory types, Function<String, String> settings) {
    this.root = root;
    this.types = types;
    this.settings = settings;
  }

  /**
   * Adds pg_catalog, information_schema and PostgreSQL's functions to a connection;
   * {@code settings} answers pg_settings (null for a setting the session does not have).
   */
  public static void addTo(CalciteConnection connection, Function<String, String> settings) {
    SchemaPlus root = connection.getRootSchema();
    PgCatalog catalog = new PgCatalog(root, connection.getTypeFactory(), settings);
    Map<String, Table> pg = new TreeMap<>();
    catalog.addPgCatalog(pg);
    SchemaPlus pgCatalog = root.add(SCHEMA, schemaOf(pg));
    // pg_catalog is on every PostgreSQL search path: its relations are found unqualified
    pg.forEach(root::add);
    PgFunctions.register(pgCatalog);
    PgFunctions.register(root);
    Map<String, Table> information = new TreeMap<>();
    catalog.addInformationSchema(information);
    root.add(INFORMATION_SCHEMA, schemaOf(information));
  }

  private static AbstractSchema schemaOf(Map<String, Table> tables) {
    return new AbstractSchema() {
      @Override
      protected Map<String, Table> getTableMap() {
        return tables;
      }
    };
  }

  /** A schema and its relations, with their oids. */
  private record Namespace(int oid, String name, List<Relation> relations) {}

  private record Relation(int oid, String name, char kind, RelDataType rowType) {}

  /** The schemas and tables as they are now; ids assigned in name order, then kept. */
  @SuppressWarnings("deprecation")
  private synchronized List<Namespace> namespaces() {
    List<Namespace> namespaces = new ArrayList<>();
    for (String schemaName : new java.util.TreeSet<>(root.getSubSchemaNames())) {
      if (schemaName.equals("metadata")) {
        continue; // Calcite's own, answered here by information_schema instead
      }
      SchemaPlus schema = root.getSubSchema(schemaName);
      int namespaceOid = switch (schemaName) {
        case SCHEMA -> CATALOG_NAMESPACE;
        case INFORMATION_SCHEMA -> INFORMATION_NAMESPACE;
        default -> oid("n:" + schemaName);
      };
      List<Relation> relations = new ArrayList<>();
      for (String tableName : new java.util.TreeSet<>(schema.getTableNames())) {
        Table table = schema.getTable(tableName);
        if (table != null) {
          relations.add(new Relation(oid("r:" + schemaName + "." + tableName), tableName,
              schemaName.equals(INFORMATION_SCHEMA) ? 'v' : 'r', table.getRowType(types)));
        }
      }
      namespaces.add(new Namespace(namespaceOid, schemaName, relations));
    }
    return namespaces;
  }

  /** A column of a relation: its number from 1 and the type it is sent as. */
  private record Attribute(Namespace namespace, Relation relation, int number,
      RelDataTypeField field, PgType pg) {}

  private List<Attribute> attributes() {
    List<Attribute> attributes = new ArrayList<>();
    for (Namespace n : namespaces()) {
      for (Relation r : n.relations()) {
        List<RelDataTypeField> fields = r.rowType().getFieldList();
        for (int i = 0; i < fields.size(); i++) {
          RelDataTypeField field = fields.get(i);
          attributes.add(new Attribute(n, r, i + 1, field,
              PgType.of(field.getType().getSqlTypeName(), field.getName())));
        }
      }
    }
    return attributes;
  }

  private int oid(String key) {
    return oids.computeIfAbsent(key, k -> FIRST_OID + oids.size());
  }

  // ---- pg_catalog ----

  private void addPgCatalog(Map<String, Table> tables) {
    tables.put("pg_namespace", table(cols("oid int", "nspname text", "nspowner int",
        "nspacl text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Namespace n : namespaces()) {
            rows.add(new Object[] {n.oid(), n.name(), OWNER_OID, null});
          }
          return rows;
        }));
    tables.put("pg_class", table(cols("oid int", "relname text", "relnamespace int",
        "reltype int", "reloftype int", "relowner int", "relam int", "relfilenode int",
        "reltablespace int", "relpages int", "reltuples double", "relallvisible int",
        "reltoastrelid int", "relhasindex bool", "relisshared bool", "relpersistence text",
        "relkind text", "relnatts int", "relchecks int", "relhasrules bool",
        "relhastriggers bool", "relhassubclass bool", "relrowsecurity bool",
        "relforcerowsecurity bool", "relispopulated bool", "relreplident text",
        "relispartition bool", "relacl text", "reloptions text", "relpartbound text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Namespace n : namespaces()) {
            for (Relation r : n.relations()) {
              rows.add(new Object[] {r.oid(), r.name(), n.oid(), 0, 0, OWNER_OID,
                  r.kind() == 'r' ? 2 : 0, r.oid(), 0, 0, -1.0, 0, 0, false, false, "p",
                  String.valueOf(r.kind()), r.rowType().getFieldCount(), 0, false, false,
                  false, false, false, true, "d", false, null, null, null});
            }
          }
          return rows;
        }));
    tables.put("pg_attribute", table(cols("attrelid int", "attname text", "atttypid int",
        "attstattarget int", "attlen int", "attnum int", "attndims int", "atttypmod int",
        "attbyval bool", "attalign text", "attstorage text", "attnotnull bool",
        "atthasdef bool", "atthasmissing bool", "attidentity text", "attgenerated text",
        "attisdropped bool", "attislocal bool", "attinhcount int", "attcollation int",
        "attacl text", "attoptions text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Attribute a : attributes()) {
            PgType pg = a.pg();
            RelDataType type = a.field().getType();
            rows.add(new Object[] {a.relation().oid(), a.field().getName(), pg.oid, -1,
                pg.length, a.number(), 0, PgType.typmod(pg, type.getPrecision(),
                    type.getScale()), pg.length > 0 && pg.length <= 8, "d", "p",
                !type.isNullable(), false, false, "", "", false, true, 0, 0, null, null});
          }
          return rows;
        }));
    tables.put("pg_type", table(cols("oid int", "typname text", "typnamespace int",
        "typowner int", "typlen int", "typbyval bool", "typtype text", "typcategory text",
        "typispreferred bool", "typisdefined bool", "typdelim text", "typrelid int",
        "typelem int", "typarray int", "typinput text", "typoutput text", "typreceive text",
        "typsend text", "typnotnull bool", "typbasetype int", "typtypmod int", "typndims int",
        "typcollation int", "typdefault text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (PgType t : PgType.values()) {
            rows.add(new Object[] {t.oid, t.typname, CATALOG_NAMESPACE, OWNER_OID, t.length,
                t.length > 0 && t.length <= 8, "b", String.valueOf(t.category), false, true, ",",
                0, t == PgType.TEXT_ARRAY ? PgType.TEXT.oid : 0,
                t == PgType.TEXT ? PgType.TEXT_ARRAY.oid : 0, t.typname + "in",
                t.typname + "out", t.typname + "recv", t.typname + "send", false, 0, -1,
                t == PgType.TEXT_ARRAY ? 1 : 0, 0, null});
          }
          return rows;
        }));
    tables.put("pg_database", table(cols("oid int", "datname text", "datdba int",
        "encoding int", "datcollate text", "datctype text", "datistemplate bool",
        "datallowconn bool", "datconnlimit int", "datacl text"),
        () -> List.<Object[]>of(new Object[] {DATABASE_OID, DATABASE, OWNER_OID, 6, "C.UTF-8",
            "C.UTF-8", false, true, -1, null})));
    tables.put("pg_settings", table(cols("name text", "setting text", "unit text",
        "category text", "short_desc text", "context text", "vartype text", "source text",
        "min_val text", "max_val text", "enumvals text", "boot_val text", "reset_val text"),
        () -> {
          List<Object[]> rows = new ArrayList<>();
          for (String name : PgSettings.NAMES) {
            String value = settings.apply(name);
            rows.add(new Object[] {name, value, null, "pmsql", null, "user", "string",
                "session", null, null, null, value, value});
          }
          return rows;
        }));
    tables.put("pg_am", table(cols("oid int", "amname text", "amhandler text", "amtype text"),
        () -> List.<Object[]>of(new Object[] {2, "heap", "heap_tableam_handler", "t"})));
    tables.put("pg_tablespace", table(cols("oid int", "spcname text", "spcowner int"),
        () -> List.<Object[]>of(new Object[] {1663, "pg_default", OWNER_OID})));
    Table roles = table(cols("oid int", "rolname text", "rolsuper bool", "rolinherit bool",
        "rolcreaterole bool", "rolcreatedb bool", "rolcanlogin bool", "rolreplication bool",
        "rolconnlimit int", "rolvaliduntil text", "rolbypassrls bool", "rolconfig text"),
        () -> List.<Object[]>of(new Object[] {OWNER_OID, PgFunctions.OWNER, false, true, false, false,
            true, false, -1, null, false, null}));
    tables.put("pg_roles", roles);
    tables.put("pg_user", table(cols("usename text", "usesysid int", "usecreatedb bool",
        "usesuper bool", "userepl bool", "usebypassrls bool", "passwd text", "valuntil text",
        "useconfig text"), () -> List.<Object[]>of(new Object[] {PgFunctions.OWNER, OWNER_OID, false,
            false, false, false, "********", null, null})));
    emptyRelations(tables);
  }

  private void emptyRelations(Map<String, Table> tables) {
    tables.put("pg_description", empty("objoid int", "classoid int", "objsubid int",
        "description text"));
    tables.put("pg_attrdef", empty("oid int", "adrelid int", "adnum int", "adbin text"));
    tables.put("pg_collation", empty("oid int", "collname text", "collnamespace int",
        "collprovider text"));
    tables.put("pg_index", empty("indexrelid int", "indrelid int", "indnatts int",
        "indnkeyatts int", "indisunique bool", "indisprimary bool", "indisexclusion bool",
        "indimmediate bool", "indisclustered bool", "indisvalid bool", "indkey text",
        "indoption text", "indexprs text", "indpred text", "indnullsnotdistinct bool"));
    tables.put("pg_constraint", empty("oid int", "conname text", "connamespace int",
        "contype text", "condeferrable bool", "condeferred bool", "convalidated bool",
        "conrelid int", "contypid int", "conindid int", "confrelid int", "confupdtype text",
        "confdeltype text", "confmatchtype text", "conkey text", "confkey text",
        "conbin text"));
    tables.put("pg_inherits", empty("inhrelid int", "inhparent int", "inhseqno int",
        "inhdetachpending bool"));
    tables.put("pg_trigger", empty("oid int", "tgrelid int", "tgname text", "tgenabled text",
        "tgisinternal bool"));
    tables.put("pg_policy", empty("oid int", "polname text", "polrelid int", "polcmd text",
        "polpermissive bool", "polroles text", "polqual text", "polwithcheck text"));
    tables.put("pg_statistic_ext", empty("oid int", "stxrelid int", "stxname text",
        "stxnamespace int", "stxkind text", "stxstattarget int"));
    tables.put("pg_publication", empty("oid int", "pubname text", "puballtables bool"));
    tables.put("pg_publication_rel", empty("oid int", "prpubid int", "prrelid int",
        "prqual text", "prattrs text"));
    tables.put("pg_publication_namespace", empty("oid int", "pnpubid int", "pnnspid int"));
    tables.put("pg_proc", empty("oid int", "proname text", "pronamespace int",
        "proowner int", "prokind text", "prorettype int", "proargtypes text",
        "proretset bool", "prosrc text"));
    tables.put("pg_extension", empty("oid int", "extname text", "extowner int",
        "extnamespace int", "extversion text"));
    tables.put("pg_depend", empty("classid int", "objid int", "objsubid int",
        "refclassid int", "refobjid int", "refobjsubid int", "deptype text"));
    tables.put("pg_rewrite", empty("oid int", "rulename text", "ev_class int"));
    tables.put("pg_sequence", empty("seqrelid int", "seqtypid int"));
    tables.put("pg_enum", empty("oid int", "enumtypid int", "enumsortorder double",
        "enumlabel text"));
    tables.put("pg_foreign_table", empty("ftrelid int", "ftserver int", "ftoptions text"));
    tables.put("pg_range", empty("rngtypid int", "rngsubtype int"));
    tables.put("pg_event_trigger", empty("oid int", "evtname text"));
    tables.put("pg_operator", empty("oid int", "oprname text", "oprnamespace int"));
    tables.put("pg_aggregate", empty("aggfnoid int", "aggkind text"));
    tables.put("pg_matviews", empty("schemaname text", "matviewname text",
        "definition text"));
    tables.put("pg_views", empty("schemaname text", "viewname text", "definition text"));
  }

  // ---- information_schema ----

  private void addInformationSchema(Map<String, Table> tables) {
    tables.put("schemata", table(cols("catalog_name text", "schema_name text",
        "schema_owner text", "default_character_set_name text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Namespace n : namespaces()) {
            rows.add(new Object[] {DATABASE, n.name(), PgFunctions.OWNER, "UTF8"});
          }
          return rows;
        }));
    tables.put("tables", table(cols("table_catalog text", "table_schema text",
        "table_name text", "table_type text", "is_insertable_into text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Namespace n : namespaces()) {
            for (Relation r : n.relations()) {
              rows.add(new Object[] {DATABASE, n.name(), r.name(),
                  r.kind() == 'v' ? "VIEW" : "BASE TABLE", "NO"});
            }
          }
          return rows;
        }));
    tables.put("columns", table(cols("table_catalog text", "table_schema text",
        "table_name text", "column_name text", "ordinal_position int", "column_default text",
        "is_nullable text", "data_type text", "character_maximum_length int",
        "numeric_precision int", "numeric_scale int", "datetime_precision int",
        "udt_catalog text", "udt_schema text", "udt_name text", "is_identity text",
        "is_generated text", "is_updatable text"), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Attribute a : attributes()) {
            PgType pg = a.pg();
            RelDataType type = a.field().getType();
            boolean numeric = pg == PgType.NUMERIC && type.getPrecision() > 0;
            rows.add(new Object[] {DATABASE, a.namespace().name(), a.relation().name(),
                a.field().getName(), a.number(), null, type.isNullable() ? "YES" : "NO",
                pg.displayName, null, numeric ? type.getPrecision() : null,
                numeric ? type.getScale() : null, pg.category == 'D' ? 6 : null, DATABASE,
                SCHEMA, pg.typname, "NO", "NEVER", "NO"});
          }
          return rows;
        }));
    tables.put("views", empty("table_catalog text", "table_schema text", "table_name text",
        "view_definition text"));
    tables.put("table_constraints", empty("constraint_catalog text", "constraint_schema text",
        "constraint_name text", "table_schema text", "table_name text",
        "constraint_type text"));
    tables.put("key_column_usage", empty("constraint_schema text", "constraint_name text",
        "table_schema text", "table_name text", "column_name text", "ordinal_position int"));
    tables.put("routines", empty("routine_schema text", "routine_name text",
        "routine_type text", "data_type text"));
  }

  // ---- relations ----

  private record Column(String name, SqlTypeName type) {}

  private static List<Column> cols(String... specs) {
    return Arrays.stream(specs).map(spec -> {
      String[] parts = spec.split(" ");
      SqlTypeName type = switch (parts[1]) {
        case "int" -> SqlTypeName.INTEGER;
        case "bool" -> SqlTypeName.BOOLEAN;
        case "double" -> SqlTypeName.DOUBLE;
        default -> SqlTypeName.VARCHAR;
      };
      return new Column(parts[0], type);
    }).toList();
  }

  private static Table empty(String... specs) {
    return table(cols(specs), List::of);
  }

  private interface Rows {
    List<Object[]> get();
  }

  private static Table table(List<Column> columns, Rows rows) {
    return new CatalogTable(columns, rows);
  }

  /** A relation of pg_catalog or information_schema, its rows computed when scanned. */
  private static final class CatalogTable extends AbstractTable implements ScannableTable {
    private final List<Column> columns;
    private final Rows rows;

    CatalogTable(List<Column> columns, Rows rows) {
      this.columns = columns;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory factory) {
      RelDataTypeFactory.Builder builder = factory.builder();
      for (Column c : columns) {
        builder.add(c.name(), c.type()).nullable(true);
      }
      return builder.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows.get());
    }
  }
}
