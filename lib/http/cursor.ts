import { AppError } from "@/lib/errors";

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
