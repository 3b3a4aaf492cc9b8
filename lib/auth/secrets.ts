import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { database } from "@/db/client";
import { settings } from "@/db/schema";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";

export function randomToken(bytes = 32) {
  return randomBytes(bytes).toString("base64url");
}

/** Client secrets are 256 random bits, so a plain SHA-256 is a sufficient one-way hash. */
export function hashSecret(secret: string) {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, hash: string) {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

type SealedSetting = { sealed: string };
export const isSealedSetting = (value: unknown): value is SealedSetting => typeof value === "object" && value !== null && typeof (value as SealedSetting).sealed === "string";
export const settingContext = (key: string): SealContext => ({ purpose: "instance-setting", owner: key, version: 1 });
const sealSetting = (key: string, value: unknown): SealedSetting => ({ sealed: seal(JSON.stringify(value), settingContext(key)) });

/**
 * A value generated once per installation and shared by every instance: kept in the database, sealed
 * under the master key. A value stored in plain by older code is sealed at first use.
 */
export async function instanceSetting<T>(key: string, create: () => T | Promise<T>): Promise<T> {
  const db = await database();
  let [row] = await db.select().from(settings).where(eq(settings.key, key));
  if (!row) {
    await db.insert(settings).values({ key, value: sealSetting(key, await create()) }).onConflictDoNothing();
    [row] = await db.select().from(settings).where(eq(settings.key, key));
  }
  if (isSealedSetting(row.value)) return JSON.parse(open(row.value.sealed, settingContext(key))) as T;
  await db
    .update(settings)
    .set({ value: sealSetting(key, row.value) })
    .where(and(eq(settings.key, key), eq(settings.value, row.value)));
  return row.value as T;
}
