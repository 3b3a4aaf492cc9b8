import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { connections, oauthProviders, secretDataKeys, secrets, secretVersions, signingKeys, storageOrganizations, tasks, webhooks } from "@/db/schema";
import { sealContext as signingKeyContext, signingKey } from "@/lib/auth/keys";
import { instanceSetting } from "@/lib/auth/secrets";
import type { Principal } from "@/lib/auth/principal";
import { dropQueuedJobs } from "@/lib/apps/testing";
import { createProvider, oauthClientOf } from "@/lib/connections/providers";
import { startConnection, verifierContext } from "@/lib/connections/service";
import { parameterSealContext, TASK, type PutParameterPayload } from "@/lib/apps/task-kinds";
import { open, seal, SealedValueError } from "@/lib/crypto/envelope";
import { loadMasterKey, masterKey } from "@/lib/crypto/master-key";
import { createWebhook, sealContext as webhookContext } from "@/lib/engine/triggers/webhooks";
import { accountKeyContext, sealAccountKey } from "@/lib/storage/account";
import { testTenant } from "@/lib/testing/fixtures";
import { createWorkflow } from "@/lib/workflows/service";
import { diamond } from "@/lib/workflows/spec.testing";
import { createWorkspace } from "@/lib/workspaces/service";
import { resealUnderNewKey, rotateMasterKey } from "./master-key-rotation";
import { createSecret, revealSecretValue } from "./service";

const holder = globalThis as unknown as { __sluiceMasterKey?: Buffer };
const original = masterKey();
let operator: Principal;
let fx: Awaited<ReturnType<typeof sealedEverything>>;

/**
 * One of each kind of value sealed under the master key (an `aws` secret's version among them: no
 * worker runs here, so its write stays pending), and a secret value sealed with a data key.
 */
async function sealedEverything() {
  const ws = (await createWorkspace(operator, { name: `rot-${randomBytes(3).toString("hex")}` })).id;
  await createSecret(operator, { workspaceId: ws, name: "payload", value: "rotation-payload" });
  vi.stubEnv("SLUICE_SECRET_STORE", "aws");
  await createSecret(operator, { workspaceId: ws, name: "pending-in-aws", value: "rotation-pending" });
  vi.unstubAllEnvs();
  await createWorkflow(operator, { workspaceId: ws, name: "flow", spec: diamond() });
  const hook = await createWebhook(operator, { workspaceId: ws, workflow: "flow", name: "hook" });
  const provider = await createProvider(operator, { name: `p-${randomBytes(3).toString("hex")}`, authorizeUrl: "https://idp.example.test/a", tokenUrl: "https://idp.example.test/t", clientId: "c", clientSecret: "provider-client-secret" });
  await startConnection(operator, { workspaceId: ws, name: "pending", providerId: provider.id });
  const settingKey = `rotation-test-${randomBytes(3).toString("hex")}`;
  await instanceSetting(settingKey, () => ({ value: "setting-value" }));
  const kid = (await signingKey()).kid;
  const db = await database();
  const orgId = randomUUID();
  await db.insert(storageOrganizations).values({ id: orgId, tenantId: operator.tenantId, name: `org-${randomBytes(3).toString("hex")}`, confidentiality: "internal", accountName: "acct", blobEndpoint: "http://127.0.0.1:1", sealedAccountKey: sealAccountKey(orgId, "storage-account-key"), createdBy: "test" });
  const writtenAt = new Date().toISOString();
  const parameter = { key: "API_KEY", parameterName: "/rot/app/API_KEY", description: "", writtenAt };
  const [task] = await db
    .insert(tasks)
    .values({ tenantId: operator.tenantId, kind: TASK.putParameter, targetType: "app", targetId: orgId, seq: 1, state: "failed", payload: { ...parameter, sealedValue: seal("parameter-value", parameterSealContext(orgId, "API_KEY", writtenAt)) }, createdBy: "test" })
    .returning();
  return { ws, webhookId: hook.id, webhookSecret: hook.secret, providerId: provider.id, settingKey, kid, orgId, taskId: task.id };
}

/** Every value of the fixture, opened with whatever master key the process holds now. */
async function openedValues() {
  const db = await database();
  const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, fx.webhookId));
  const [provider] = await db.select().from(oauthProviders).where(eq(oauthProviders.id, fx.providerId));
  const [connection] = await db.select().from(connections).where(eq(connections.providerId, fx.providerId));
  const [key] = await db.select().from(signingKeys).where(eq(signingKeys.kid, fx.kid));
  const [org] = await db.select().from(storageOrganizations).where(eq(storageOrganizations.id, fx.orgId));
  const [task] = await db.select().from(tasks).where(eq(tasks.id, fx.taskId));
  const parameter = task.payload as PutParameterPayload;
  return {
    parameter: open(parameter.sealedValue!, parameterSealContext(task.targetId, parameter.key, parameter.writtenAt)),
    accountKey: open(org.sealedAccountKey, accountKeyContext(org.id)),
    secret: await revealSecretValue(fx.ws, "payload"),
    pendingSecret: await revealSecretValue(fx.ws, "pending-in-aws"),
    webhook: open(hook.sealedSecret, webhookContext(hook)),
    clientSecret: oauthClientOf(provider).clientSecret,
    verifier: open(connection.sealedVerifier!, verifierContext(connection.id)).length,
    setting: await instanceSetting(fx.settingKey, () => ({ value: "not created again" })),
    signingKey: (JSON.parse(open(key.wrappedPrivateKey!, signingKeyContext(fx.kid))) as { kty: string }).kty,
  };
}

async function snapshot() {
  const db = await database();
  const [dataKey] = await db.select().from(secretDataKeys).where(eq(secretDataKeys.workspaceId, fx.ws));
  const [secret] = await db
    .select()
    .from(secrets)
    .where(and(eq(secrets.workspaceId, fx.ws), eq(secrets.name, "payload")));
  const versions = await db.select().from(secretVersions).where(eq(secretVersions.secretId, secret.id));
  return { wrappedKey: dataKey.wrappedKey, values: versions.map((v) => v.ciphertext) };
}

beforeAll(async () => {
  ({ operator } = await testTenant("rot"));
  fx = await sealedEverything();
});
afterAll(() => dropQueuedJobs(operator.tenantId));

afterEach(() => {
  holder.__sluiceMasterKey = original;
});

describe("master-key rotation", () => {
  it("re-seals every key under the new master key without touching the values; the old key opens nothing", async () => {
    const expected = { parameter: "parameter-value", accountKey: "storage-account-key", secret: "rotation-payload", pendingSecret: "rotation-pending", webhook: fx.webhookSecret, clientSecret: "provider-client-secret", verifier: 43, setting: { value: "setting-value" }, signingKey: "EC" };
    expect(await openedValues()).toEqual(expected);
    const before = await snapshot();
    const next = randomBytes(32);
    try {
      expect(await resealUnderNewKey(original, next)).toBeGreaterThanOrEqual(8);
      const after = await snapshot();
      expect(after.values).toEqual(before.values);
      expect(after.wrappedKey).not.toBe(before.wrappedKey);
      await expect(revealSecretValue(fx.ws, "payload")).rejects.toThrow(SealedValueError);
      await expect(revealSecretValue(fx.ws, "pending-in-aws")).rejects.toThrow(SealedValueError);
      holder.__sluiceMasterKey = next;
      expect(await openedValues()).toEqual(expected);
    } finally {
      await resealUnderNewKey(next, original);
    }
    holder.__sluiceMasterKey = original;
    expect(await openedValues()).toEqual(expected);
  });

  it("refuses a tampered sealed value, naming it, and changes nothing", async () => {
    const db = await database();
    const [provider] = await db.select().from(oauthProviders).where(eq(oauthProviders.id, fx.providerId));
    const parts = provider.sealedClientSecret.split(".");
    const body = Buffer.from(parts[2], "base64url");
    body[0] ^= 1;
    await db.update(oauthProviders).set({ sealedClientSecret: [parts[0], parts[1], body.toString("base64url"), parts[3]].join(".") }).where(eq(oauthProviders.id, provider.id));
    const before = await snapshot();
    try {
      await expect(resealUnderNewKey(original, randomBytes(32))).rejects.toThrow(`the client secret of OAuth provider ${provider.name} does not open with the current master key`);
      expect(await snapshot()).toEqual(before);
      expect(await revealSecretValue(fx.ws, "payload")).toBe("rotation-payload");
    } finally {
      await db.update(oauthProviders).set({ sealedClientSecret: provider.sealedClientSecret }).where(eq(oauthProviders.id, provider.id));
    }
  });

  it("refuses while a column of sealed values it cannot re-seal holds data", async () => {
    const db = await database();
    await db.execute(sql`create table rotation_probe (sealed_thing text)`);
    try {
      await db.execute(sql`insert into rotation_probe values ('s1.x.y.z')`);
      await expect(resealUnderNewKey(original, randomBytes(32))).rejects.toThrow("Sealed values in rotation_probe.sealed_thing cannot be re-sealed by this version; nothing was changed.");
      expect(await revealSecretValue(fx.ws, "payload")).toBe("rotation-payload");
    } finally {
      await db.execute(sql`drop table rotation_probe`);
    }
  });

  it("writes a generated key into the key file once the database holds the re-sealed values", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "sluice-rotation-"));
    try {
      const result = await rotateMasterKey({ SLUICE_DATA_DIR: dataDir });
      const file = path.join(dataDir, "master.key");
      expect(result).toMatchObject({ keyFile: file, resealed: expect.any(Number) });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const next = loadMasterKey({ SLUICE_DATA_DIR: dataDir });
      expect(readFileSync(file, "utf8").trim()).toBe(next.toString("base64"));
      holder.__sluiceMasterKey = next;
      expect((await openedValues()).secret).toBe("rotation-payload");
      await resealUnderNewKey(next, original);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("with SLUICE_MASTER_KEY set, takes the new key from SLUICE_NEW_MASTER_KEY", async () => {
    await expect(rotateMasterKey({ SLUICE_MASTER_KEY: original.toString("base64") })).rejects.toThrow(/give the new key as SLUICE_NEW_MASTER_KEY/);
    await expect(rotateMasterKey({ SLUICE_MASTER_KEY: original.toString("base64"), SLUICE_NEW_MASTER_KEY: original.toString("hex") })).rejects.toThrow(/is the current master key/);
    const next = randomBytes(32);
    await rotateMasterKey({ SLUICE_MASTER_KEY: original.toString("base64"), SLUICE_NEW_MASTER_KEY: next.toString("hex") });
    holder.__sluiceMasterKey = next;
    expect((await openedValues()).clientSecret).toBe("provider-client-secret");
    await resealUnderNewKey(next, original);
  });
});
