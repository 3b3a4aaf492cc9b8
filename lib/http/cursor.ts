import { desc, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/validation";

/**
 * Page cursors of every list: the sort key of the last item, as base64url. Only a cursor this codec
 * made is accepted; anything else (random text, padding, bytes that are not UTF-8 or decode to NUL,
 * which PostgreSQL text refuses) is a 400 `invalid_cursor`, never a database error.
 */
export const encodeCursor = (key: string) => Buffer.from(key, "utf8").toString("base64url");

export const invalidCursor = () =>
  new AppError(400, "invalid_cursor", "The cursor is not one from a previous page.", { errors: [{ path: "cursor", message: "not a cursor from a previous page" }] });

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key || key.includes("\u0000") || encodeCursor(key) !== cursor) throw invalidCursor();
  return key;
}

/** An ISO time in UTC to the millisecond, then optionally the microseconds PostgreSQL keeps. */
const CURSOR_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(\d{3})?Z$/;

/**
 * Keyset pages of a list newest first, by (created_at, id). A cursor holds created_at to the
 * microsecond, as PostgreSQL keeps it: to the millisecond, a page skipped the rows created within
 * the millisecond of its last row (every run of one group commit shares its created_at).
 */
export function newestFirst(createdAt: PgColumn, id: PgColumn) {
  return {
    orderBy: [desc(createdAt), desc(id)],
    /** selected beside each row: what its cursor holds */
    key: sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || ${id}`,
    /** the rows after the one `cursor` was made from */
    after(cursor: string): SQL {
      const [at = "", rowId = ""] = decodeCursor(cursor).split("|");
      const time = CURSOR_TIME.exec(at);
      const milliseconds = time ? new Date(`${time[1]}Z`) : undefined;
      if (!milliseconds || Number.isNaN(milliseconds.getTime()) || milliseconds.toISOString() !== `${time![1]}Z` || !isUuid(rowId)) throw invalidCursor();
      return sql`(${createdAt}, ${id}) < (${at}::timestamptz, ${rowId}::uuid)`;
    },
  };
}
