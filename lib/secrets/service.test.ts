import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { secretDataKeys, secrets, settings } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { SealedValueError } from "@/lib/crypto/envelope";
import { testTenant } from "@/lib/testing/fixtures";
import { createWorkspace } from "@/lib/workspaces/service";
import { openSecretValue, sealSecretValue } from "./embedded-store";
import { createSecret, listSecretNames, revealSecretValue, secretNamesOf } from "./service";

let operator: Principal;
let tenantId: string;
const newWorkspace = async () => (await createWorkspace(operator, { name: `ws-${randomBytes(4).toString("hex")}` })).id;

beforeAll(async () => {
  ({ operator, tenant: { id: tenantId } } = await testTenant("sec"));
});

async function storedRow(workspaceId: string, name: string) {
  const db = await database();
  const [row] = await db.select().from(secrets).where(and(eq(secrets.workspaceId, workspaceId), eq(secrets.name, name)));
  return row;
}

async function insertRow(workspaceId: string, name: string, ciphertext: string, version = 1) {
  const db = await database();
  await db.insert(secrets).values({ tenantId, workspaceId, name, ciphertext, version });
}

/** Flips one bit of the encrypted body of a sealed value. */
function flipped(sealed: string): string {
  const parts = sealed.split(".");
  const body = Buffer.from(parts[2], "base64url");
  body[0] ^= 1;
  parts[2] = body.toString("base64url");
  return parts.join(".");
}

describe("secrets at rest", () => {
  it("are sealed with the workspace's data key, itself stored only wrapped, and revealed to the engine", async () => {
    const ws = await newWorkspace();
    await createSecret(operator, { workspaceId: ws, name: "db-password", value: "hunter2-very-secret" });
    await createSecret(operator, { workspaceId: ws, name: "api.token", value: "tok_123" });
    expect(await revealSecretValue(ws, "db-password")).toBe("hunter2-very-secret");
    expect(await revealSecretValue(ws, "api.token")).toBe("tok_123");
    expect(await listSecretNames(operator, { workspaceId: ws })).toEqual(["api.token", "db-password"]);
    expect(await secretNamesOf(ws)).toEqual(["api.token", "db-password"]);

    const row = await storedRow(ws, "db-password");
    expect(row.ciphertext).toMatch(/^s1\./);
    expect(row.ciphertext).not.toContain("hunter2");
    const db = await database();
    const keys = await db.select().from(secretDataKeys).where(eq(secretDataKeys.workspaceId, ws));
    expect(keys).toHaveLength(1);
    expect(keys[0].wrappedKey).toMatch(/^s1\./);
  });

  it("get one data key per workspace when several first uses race", async () => {
    const ws = await newWorkspace();
    const db = await database();
    const refs = ["a", "b", "c", "d"].map((name) => ({ workspaceId: ws, name, version: 1 }));
    // Open connections enough for every first use to run its queries at the same time.
    await Promise.all(refs.map(() => db.execute(sql`select 1`)));
    const sealed = await Promise.all(refs.map((ref) => sealSecretValue(db, ref, `value-${ref.name}`)));
    expect(await db.select().from(secretDataKeys).where(eq(secretDataKeys.workspaceId, ws))).toHaveLength(1);
    for (const [i, ref] of refs.entries()) expect(await openSecretValue(db, ref, sealed[i])).toBe(`value-${ref.name}`);
  });

  it("refuse a value copied to another workspace, name or version, or changed", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    await createSecret(operator, { workspaceId: ws, name: "origin", value: "copied-secret" });
    await createSecret(operator, { workspaceId: other, name: "unrelated", value: "x" });
    const { ciphertext } = await storedRow(ws, "origin");

    await insertRow(other, "origin", ciphertext);
    await expect(revealSecretValue(other, "origin")).rejects.toThrow(SealedValueError);
    await insertRow(ws, "renamed", ciphertext);
    await expect(revealSecretValue(ws, "renamed")).rejects.toThrow(SealedValueError);
    await insertRow(ws, "bumped", (await storedRow(ws, "renamed")).ciphertext, 2);
    await expect(revealSecretValue(ws, "bumped")).rejects.toThrow(SealedValueError);

    const db = await database();
    await db.update(secrets).set({ ciphertext: flipped(ciphertext) }).where(and(eq(secrets.workspaceId, ws), eq(secrets.name, "origin")));
    await expect(revealSecretValue(ws, "origin")).rejects.toThrow(/does not open/);
  });

  it("answer not found for a name the workspace does not have", async () => {
    await expect(revealSecretValue(await newWorkspace(), "missing")).rejects.toMatchObject({ status: 404 });
  });
});

describe("secrets stored by the earlier format", () => {
  const legacy = globalThis as unknown as { __sluiceLegacySecrets?: Promise<void> };
  const secretKeyEnv = process.env.SLUICE_SECRET_KEY;
  afterEach(() => {
    legacy.__sluiceLegacySecrets = undefined;
    if (secretKeyEnv === undefined) delete process.env.SLUICE_SECRET_KEY;
    else process.env.SLUICE_SECRET_KEY = secretKeyEnv;
  });

  /** The earlier embedded store's format: one key, the SHA-256 of the material, no binding to the row. */
  function legacySeal(material: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", createHash("sha256").update(material).digest(), iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
  }

  it("are re-sealed at first use, and the old key kept in the database is deleted", async () => {
    const db = await database();
    const material = randomBytes(32).toString("base64url");
    await db.insert(settings).values({ key: "secret-key", value: material }).onConflictDoUpdate({ target: settings.key, set: { value: material } });
    const ws = await newWorkspace();
    await insertRow(ws, "old-secret", legacySeal(material, "from-before"));
    legacy.__sluiceLegacySecrets = undefined;

    expect(await revealSecretValue(ws, "old-secret")).toBe("from-before");
    expect((await storedRow(ws, "old-secret")).ciphertext).toMatch(/^s1\./);
    expect(await db.select().from(settings).where(eq(settings.key, "secret-key"))).toEqual([]);
  });

  it("are re-sealed with SLUICE_SECRET_KEY when that held the old key", async () => {
    process.env.SLUICE_SECRET_KEY = "an operator's old secret key";
    const ws = await newWorkspace();
    await insertRow(ws, "old-secret", legacySeal(process.env.SLUICE_SECRET_KEY, "from-env-days"));
    legacy.__sluiceLegacySecrets = undefined;
    expect(await revealSecretValue(ws, "old-secret")).toBe("from-env-days");
  });

  it("stop with a clear error when the old key is gone, leaving the rows as they were", async () => {
    const ws = await newWorkspace();
    const old = legacySeal("a key nobody has any more", "lost");
    await insertRow(ws, "orphan", old);
    legacy.__sluiceLegacySecrets = undefined;
    await expect(revealSecretValue(ws, "orphan")).rejects.toThrow(/orphan of workspace .* stored by an earlier version and does not open/);
    expect((await storedRow(ws, "orphan")).ciphertext).toBe(old);
    const db = await database();
    await db.delete(secrets).where(and(eq(secrets.workspaceId, ws), eq(secrets.name, "orphan")));
  });
});
