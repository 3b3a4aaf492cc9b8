import { getTableColumns, getTableName, is, SQL, sql, type Column, type Table } from "drizzle-orm";
import type { PgInsertValue, PgTable } from "drizzle-orm/pg-core";

/**
 * A row a raw SQL statement returned as JSON (`to_json(row)`: column names, JSON values) as
 * Drizzle's select would give it: property names and values mapped by the table's own columns.
 * JSON columns keep their value as it is (a JSON string stays a string).
 */
export function fromJsonRow<T extends Table>(table: T, json: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    const isJson = column.columnType === "PgJsonb" || column.columnType === "PgJson";
    row[key] = value === null || value === undefined ? null : isJson ? value : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}

/**
 * An INSERT … RETURNING * of rows sent as one JSON parameter (json_populate_recordset): its text
 * depends only on the table and the columns given, so it stays one prepared statement whatever the
 * number of rows, and building it costs a JSON.stringify rather than a parameter per value. Every
 * row gives the same columns (the others take their defaults); `computed` adds columns whose value
 * is SQL, the same for every row (clock_timestamp()).
 */
export function insertFromJson<T extends PgTable>(table: T, rows: PgInsertValue<T>[], computed: Partial<Record<keyof T["$inferInsert"] & string, SQL>> = {}): SQL {
  const columns = getTableColumns(table) as Record<string, Column>;
  const given = (row: object) => Object.entries(row).filter(([, value]) => value !== undefined).map(([key]) => key);
  const keys = given(rows[0] ?? {});
  if (rows.some((row) => given(row).join() !== keys.join())) throw new Error(`rows inserted into ${getTableName(table)} from JSON must give the same columns`);
  const name = (key: string) => {
    if (!columns[key]) throw new Error(`${getTableName(table)} has no column ${key}`);
    return `"${columns[key].name}"`;
  };
  const json = rows.map((row) =>
    Object.fromEntries(
      keys.map((key) => {
        const column = columns[key];
        const value = (row as Record<string, unknown>)[key];
        if (is(value, SQL)) throw new Error(`${getTableName(table)}.${key} is SQL: give it as computed`);
        const isJson = column.columnType === "PgJsonb" || column.columnType === "PgJson";
        return [column.name, value === null || isJson ? value : column.mapToDriverValue(value)];
      }),
    ),
  );
  const extra = Object.entries(computed) as [string, SQL][];
  const names = sql.raw([...keys, ...extra.map(([key]) => key)].map(name).join(", "));
  const values = sql.join([...(keys.length > 0 ? [sql.raw(keys.map(name).join(", "))] : []), ...extra.map(([, value]) => value)], sql`, `);
  return sql`insert into ${table} (${names}) select ${values} from json_populate_recordset(null::${table}, ${JSON.stringify(json)}::json) returning *`;
}
