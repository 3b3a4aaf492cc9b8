import { getTableColumns, type Table } from "drizzle-orm";

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
