import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { apps, auditEvents, secretDataKeys, secrets, secretVersions, settings } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { SealedValueError } from "@/lib/crypto/envelope";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import { openSecretValue, sealSecretValue } from "./embedded-store";
import { createSecret, deleteSecret, describeSecret, getSecret, listSecretNames, listSecrets, putSecret, revealSecret, revealSecretValue, secretNamesOf } from "./service";

let operator: Principal;
let tenantId: string;
let tenantSlug: string;
const newWorkspace = async () => (await createWorkspace(operator, { name: `ws-${randomBytes(4).toString("hex")}` })).id;

beforeAll(async () => {
  ({ operator, tenant: { id: tenantId, slug: tenantSlug } } = await testTenant("sec"));
});

async function storedRow(workspaceId: string, name: string) {
  const db = await database();
  const [row] = await db.select().from(secrets).where(and(eq(secrets.workspaceId, workspaceId), isNull(secrets.appId), eq(secrets.name, name)));
  return row;
}

/** A secret row with one version, written as the database would hold it. */
async function insertRow(workspaceId: string, name: string, ciphertext: string, version = 1, appId: string | null = null) {
  const db = await database();
  const [row] = await db.insert(secrets).values({ tenantId, workspaceId, appId, name, ciphertext, version }).returning();
  await db.insert(secretVersions).values({ secretId: row.id, version, ciphertext, createdBy: "test" });
}

/** Flips one bit of the encrypted body of a sealed value. */
function flipped(sealed: string): string {
  const parts = sealed.split(".");
  const body = Buffer.from(parts[2], "base64url");
  body[0] ^= 1;
  parts[2] = body.toString("base64url");
  return parts.join(".");
}

async function newApp(workspaceId: string) {
  const db = await database();
  const slug = `app-${randomBytes(3).toString("hex")}`;
  const [app] = await db.insert(apps).values({ tenantId, workspaceId, name: slug, slug, iamRoleName: `dev_app_${slug}`, createdBy: "test" }).returning();
  return app.id;
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

  it("refuse a value copied to another workspace, name, version or app, or changed", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const app = await newApp(ws);
    await createSecret(operator, { workspaceId: ws, name: "origin", value: "copied-secret" });
    await createSecret(operator, { workspaceId: other, name: "unrelated", value: "x" });
    const { ciphertext } = await storedRow(ws, "origin");

    await insertRow(other, "origin", ciphertext);
    await expect(revealSecretValue(other, "origin")).rejects.toThrow(SealedValueError);
    await insertRow(ws, "renamed", ciphertext);
    await expect(revealSecretValue(ws, "renamed")).rejects.toThrow(SealedValueError);
    await insertRow(ws, "bumped", ciphertext, 2);
    await expect(revealSecretValue(ws, "bumped")).rejects.toThrow(SealedValueError);
    await insertRow(ws, "origin", ciphertext, 1, app);
    await expect(revealSecretValue(ws, "origin", { appId: app })).rejects.toThrow(SealedValueError);

    const db = await database();
    const row = await storedRow(ws, "origin");
    await db.update(secretVersions).set({ ciphertext: flipped(ciphertext) }).where(eq(secretVersions.secretId, row.id));
    await expect(revealSecretValue(ws, "origin")).rejects.toThrow(/does not open/);
  });

  it("answer not found for a name the workspace does not have", async () => {
    await expect(revealSecretValue(await newWorkspace(), "missing")).rejects.toMatchObject({ status: 404 });
  });
});

describe("secret versions, descriptions and who changed them", () => {
  it("keeps every version and its author, reads any version, and never shows a value", async () => {
    const ws = await newWorkspace();
    const alice = await testUser(tenantSlug, operator, { admin: true, email: `alice-${randomBytes(3).toString("hex")}@example.test` });
    await createSecret(operator, { workspaceId: ws, name: "db", value: "first-value", description: "the database" });
    const second = await putSecret(alice, { workspaceId: ws, name: "db", value: "second-value" });
    expect(second).toMatchObject({ created: false, secret: { name: "db", version: 2, description: "the database", createdBy: "operator (cli)", updatedBy: alice.name } });
    await describeSecret(alice, { workspaceId: ws, name: "db", description: "the main database" });
    const detail = await getSecret(operator, { workspaceId: ws, name: "db" });
    expect(detail).toMatchObject({ version: 2, description: "the main database", store: "embedded", connection: null });
    expect(detail.versions.map((v) => [v.version, v.createdBy])).toEqual([
      [2, alice.name],
      [1, "operator (cli)"],
    ]);
    expect(JSON.stringify(detail)).not.toMatch(/first-value|second-value/);
    expect(await revealSecretValue(ws, "db")).toBe("second-value");

    const created = await putSecret(operator, { workspaceId: ws, name: "fresh", value: "v1" });
    expect(created).toMatchObject({ created: true, secret: { version: 1 } });
  });

  it("deletes the values but keeps the history; the name is free again", async () => {
    const ws = await newWorkspace();
    await createSecret(operator, { workspaceId: ws, name: "gone", value: "to-be-deleted" });
    await putSecret(operator, { workspaceId: ws, name: "gone", value: "to-be-deleted-2" });
    const { id } = await storedRow(ws, "gone");
    await deleteSecret(operator, { workspaceId: ws, name: "gone" });
    const db = await database();
    const [row] = await db.select().from(secrets).where(eq(secrets.id, id));
    expect(row.deletedAt).not.toBeNull();
    expect(row.ciphertext).toBe("");
    expect((await db.select().from(secretVersions).where(eq(secretVersions.secretId, id))).map((v) => v.ciphertext)).toEqual([null, null]);
    expect((await listSecrets(operator, { workspaceId: ws })).items).toEqual([]);
    await expect(revealSecretValue(ws, "gone")).rejects.toMatchObject({ status: 404 });
    await createSecret(operator, { workspaceId: ws, name: "gone", value: "again" });
    expect(await revealSecretValue(ws, "gone")).toBe("again");
  });

  it("keeps app secrets apart from the workspace's, bound to their app", async () => {
    const ws = await newWorkspace();
    const app = await newApp(ws);
    await createSecret(operator, { workspaceId: ws, appId: app, name: "shared-name", value: "the app's" });
    await createSecret(operator, { workspaceId: ws, name: "shared-name", value: "the workspace's" });
    expect(await revealSecretValue(ws, "shared-name", { appId: app })).toBe("the app's");
    expect(await revealSecretValue(ws, "shared-name")).toBe("the workspace's");
    expect((await listSecrets(operator, { workspaceId: ws, appId: app })).items.map((s) => s.name)).toEqual(["shared-name"]);
    expect(await secretNamesOf(ws)).toEqual(["shared-name"]);
    await expect(listSecrets(operator, { workspaceId: await newWorkspace(), appId: app })).rejects.toMatchObject({ status: 404 });
  });

  it("lets members list, admins write, and no person read a value back", async () => {
    const ws = await newWorkspace();
    const viewer = await testUser(tenantSlug, operator);
    const admin = await testUser(tenantSlug, operator);
    await addMember(operator, { workspaceId: ws, email: viewer.subject, role: "viewer" });
    await addMember(operator, { workspaceId: ws, email: admin.subject, role: "admin" });
    await createSecret(admin, { workspaceId: ws, name: "k", value: "v" });
    expect((await listSecrets(viewer, { workspaceId: ws })).items.map((s) => s.name)).toEqual(["k"]);
    await expect(putSecret(viewer, { workspaceId: ws, name: "k", value: "w" })).rejects.toMatchObject({ status: 403 });
    await expect(revealSecret(admin, { workspaceId: ws, name: "k" })).rejects.toMatchObject({ status: 403 });
    await expect(revealSecret(operator, { workspaceId: ws, name: "k" })).rejects.toMatchObject({ status: 403 });
  });

  it("audits a run's read with the version read, never the value", async () => {
    const ws = await newWorkspace();
    await createSecret(operator, { workspaceId: ws, name: "audited", value: "audited-value-123" });
    await putSecret(operator, { workspaceId: ws, name: "audited", value: "audited-value-456" });
    const runId = "11111111-2222-4333-8444-555555555555";
    await revealSecretValue(ws, "audited", { runId });
    const db = await database();
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, ws), eq(auditEvents.action, "secret.reveal")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorKind: "system", actorId: runId, actorName: `run ${runId}`, after: { name: "audited", version: 2 } });
    expect(JSON.stringify(events)).not.toContain("audited-value");
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
    const row = await storedRow(ws, "old-secret");
    expect(row.ciphertext).toMatch(/^s1\./);
    const [version] = await db.select().from(secretVersions).where(eq(secretVersions.secretId, row.id));
    expect(version.ciphertext).toBe(row.ciphertext);
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
