import { createDecipheriv, createHash } from "node:crypto";
import { and, eq, like } from "drizzle-orm";
import { database } from "@/db/client";
import { secrets, secretVersions, settings } from "@/db/schema";
import { sealSecretValue } from "./embedded-store";

/**
 * Secrets written before per-workspace data keys are "v1." values under one installation-wide key
 * from SLUICE_SECRET_KEY, else from the "secret-key" setting, kept in plain in the database. At first
 * use they are re-sealed with the current scheme and that setting is deleted.
 */
const LEGACY_SETTING = "secret-key";
const LEGACY_PREFIX = "v1.";

function openLegacy(material: string, sealed: string): string {
  const [, iv, tag, body] = sealed.split(".");
  const decipher = createDecipheriv("aes-256-gcm", createHash("sha256").update(material).digest(), Buffer.from(iv, "base64"), { authTagLength: 16 });
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

async function resealLegacySecrets() {
  const db = await database();
  await db.transaction(async (tx) => {
    // Locked, so that concurrent first uses wait here and then find nothing left to do.
    const rows = await tx.select().from(secrets).where(like(secrets.ciphertext, `${LEGACY_PREFIX}%`)).for("update");
    const [setting] = await tx.select().from(settings).where(eq(settings.key, LEGACY_SETTING));
    const material = process.env.SLUICE_SECRET_KEY || (typeof setting?.value === "string" ? setting.value : undefined);
    for (const row of rows) {
      let value: string;
      try {
        value = openLegacy(material ?? "", row.ciphertext);
      } catch {
        throw new Error(`The secret ${row.name} of workspace ${row.workspaceId} was stored by an earlier version and does not open with ${process.env.SLUICE_SECRET_KEY ? "SLUICE_SECRET_KEY" : "the old secret-key setting"}.`);
      }
      const ciphertext = await sealSecretValue(tx, row, value);
      await tx.update(secrets).set({ ciphertext }).where(eq(secrets.id, row.id));
      await tx.update(secretVersions).set({ ciphertext }).where(and(eq(secretVersions.secretId, row.id), eq(secretVersions.version, row.version)));
    }
    if (setting) await tx.delete(settings).where(eq(settings.key, LEGACY_SETTING));
  });
}

const holder = globalThis as unknown as { __sluiceLegacySecrets?: Promise<void> };

/** Resolves once secrets of the earlier format are re-sealed (done once per process). */
export function legacySecretsResealed(): Promise<void> {
  holder.__sluiceLegacySecrets ??= resealLegacySecrets().catch((error) => {
    holder.__sluiceLegacySecrets = undefined;
    throw error;
  });
  return holder.__sluiceLegacySecrets;
}
