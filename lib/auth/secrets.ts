import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { database } from "@/db/client";
import { settings } from "@/db/schema";

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

/** A value generated once per installation and kept in the database, shared by every instance. */
export async function instanceSetting<T>(key: string, create: () => T | Promise<T>): Promise<T> {
  const db = await database();
  const [existing] = await db.select().from(settings).where(eq(settings.key, key));
  if (existing) return existing.value as T;
  await db.insert(settings).values({ key, value: await create() }).onConflictDoNothing();
  const [stored] = await db.select().from(settings).where(eq(settings.key, key));
  return stored.value as T;
}
