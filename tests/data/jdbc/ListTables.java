import java.sql.*;

/**
 * What DBeaver, Metabase and Tableau ask pgjdbc's DatabaseMetaData on connecting: the product,
 * the schemas, the tables and views of schema main, the columns and primary key of one relation, then a query.
 * Usage: java -cp postgresql.jar ListTables.java JDBC_URL USER PASSWORD RELATION
 */
public class ListTables {
    public static void main(String[] args) throws Exception {
        try (Connection con = DriverManager.getConnection(args[0], args[1], args[2])) {
            DatabaseMetaData meta = con.getMetaData();
            System.out.println("product\t" + meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion());
            try (ResultSet schemas = meta.getSchemas()) {
                while (schemas.next()) System.out.println("schema\t" + schemas.getString("TABLE_SCHEM"));
            }
            try (ResultSet tables = meta.getTables(null, "main", "%", new String[] {"TABLE", "VIEW"})) {
                while (tables.next()) {
                    System.out.println("table\t" + tables.getString("TABLE_NAME") + "\t" + tables.getString("TABLE_TYPE") + "\t" + tables.getString("REMARKS"));
                }
            }
            try (ResultSet columns = meta.getColumns(null, "main", args[3], "%")) {
                while (columns.next()) {
                    System.out.println("column\t" + columns.getString("TABLE_NAME") + "\t" + columns.getString("COLUMN_NAME") + "\t" + columns.getString("TYPE_NAME") + "\t" + columns.getInt("DATA_TYPE") + "\t" + columns.getString("IS_NULLABLE") + "\t" + columns.getString("REMARKS"));
                }
            }
            try (ResultSet keys = meta.getPrimaryKeys(null, "main", args[3])) {
                while (keys.next()) System.out.println("key\t" + keys.getString("TABLE_NAME") + "\t" + keys.getString("COLUMN_NAME") + "\t" + keys.getInt("KEY_SEQ"));
            }
            try (Statement st = con.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + args[3])) {
                rs.next();
                System.out.println("count\t" + rs.getMetaData().getColumnName(1) + "\t" + rs.getLong(1));
            }
        }
    }
}
