import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { dropQueuedJobs } from "@/lib/apps/testing";
import { call, expectFieldErrors, expectProblem } from "@/lib/testing/http";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import * as api from "./endpoints";

const VALUE = `api-plaintext-${randomBytes(6).toString("hex")}`;

describe("secrets API", () => {
  let ws: string;
  let admin: string;
  let viewer: string;
  let revealer: string;
  let viewerRevealer: string;
  let adminWithoutReveal: string;
  let revealerClientId: string;
  let tenantId: string;

  beforeAll(async () => {
    const { operator } = await testTenant("secapi");
    tenantId = operator.tenantId;
    ws = (await createWorkspace(operator, { name: "secrets-api" })).id;
    const member = async (scopes: Parameters<typeof testToken>[1], role: "viewer" | "admin") => {
      const client = await testToken(operator, scopes);
      await addMember(operator, { workspaceId: ws, clientId: client.client.clientId, role });
      return client;
    };
    admin = (await member(["secrets:read", "secrets:write"], "admin")).token;
    viewer = (await member(["secrets:read", "secrets:write"], "viewer")).token;
    const revealing = await member(["secrets:read", "secrets:reveal"], "admin");
    revealer = revealing.token;
    revealerClientId = revealing.client.id;
    viewerRevealer = (await member(["secrets:reveal"], "viewer")).token;
    adminWithoutReveal = admin;
  });
  // No worker runs here: the tasks of `aws` secrets stay queued, and leave with their jobs.
  afterAll(() => dropQueuedJobs(tenantId));

  it("creates, lists, describes, replaces and deletes, and no answer ever holds the value", async () => {
    const bodies: unknown[] = [];
    const ok = async (result: Awaited<ReturnType<typeof call>>, status: number) => {
      expect(result.status, result.text).toBe(status);
      bodies.push(result.text);
      return result.body;
    };
    const created = await ok(await call(api.createSecret, { token: admin, params: { id: ws }, body: { name: "db", value: VALUE, description: "the database" } }), 201);
    expect(created).toMatchObject({ name: "db", version: 1, description: "the database", store: "embedded", connection: null, pendingTasks: [] });
    expect((await ok(await call(api.listSecrets, { token: viewer, params: { id: ws } }), 200)).items.map((s: { name: string }) => s.name)).toEqual(["db"]);
    await ok(await call(api.putSecret, { token: admin, params: { id: ws, name: "db" }, body: { name: "db", value: `${VALUE}-2` } }), 200);
    await ok(await call(api.putSecret, { token: admin, params: { id: ws, name: "other" }, body: { value: `${VALUE}-other` } }), 201);
    await ok(await call(api.describeSecret, { token: admin, params: { id: ws, name: "db" }, body: { description: "renamed" } }), 200);
    const detail = await ok(await call(api.getSecret, { token: viewer, params: { id: ws, name: "db" } }), 200);
    expect(detail).toMatchObject({ version: 2, description: "renamed", versions: [{ version: 2 }, { version: 1 }] });
    await ok(await call(api.deleteSecret, { token: admin, params: { id: ws, name: "other" } }), 204);
    expectProblem(await call(api.getSecret, { token: viewer, params: { id: ws, name: "other" } }), 404, "not_found");
    for (const body of bodies) expect(String(body)).not.toContain(VALUE);
  });

  it("refuses a name in the body that differs from the URL's", async () => {
    const errors = expectFieldErrors(await call(api.putSecret, { token: admin, params: { id: ws, name: "db" }, body: { name: "not-db", value: "x" } }), "name_mismatch");
    expect(errors).toEqual([{ path: "name", message: "must be the name in the URL" }]);
    expectProblem(await call(api.revealSecret, { token: revealer, params: { id: ws, name: "db" }, body: { name: "else" } }), 400, "name_mismatch");
  });

  it("lets members list but only admins write", async () => {
    expectProblem(await call(api.createSecret, { token: viewer, params: { id: ws }, body: { name: "nope", value: "x" } }), 403, "forbidden");
    expectProblem(await call(api.putSecret, { token: viewer, params: { id: ws, name: "db" }, body: { value: "x" } }), 403, "forbidden");
    expectProblem(await call(api.deleteSecret, { token: viewer, params: { id: ws, name: "db" } }), 403, "forbidden");
    expectProblem(await call(api.createSecret, { token: revealer, params: { id: ws }, body: { name: "nope", value: "x" } }), 403, "insufficient_scope");
  });

  it("refuses names reserved for connections, and oversized values", async () => {
    expectFieldErrors(await call(api.createSecret, { token: admin, params: { id: ws }, body: { name: "connection.github", value: "x" } }));
    expectFieldErrors(await call(api.createSecret, { token: admin, params: { id: ws }, body: { name: "big", value: "é".repeat(40_000) } }));
  });

  it("reveals a value only to an admin client with secrets:reveal, and audits which version it read", async () => {
    expectProblem(await call(api.revealSecret, { token: adminWithoutReveal, params: { id: ws, name: "db" }, body: {} }), 403, "insufficient_scope");
    expectProblem(await call(api.revealSecret, { token: viewerRevealer, params: { id: ws, name: "db" }, body: {} }), 403, "forbidden");
    const current = await call(api.revealSecret, { token: revealer, params: { id: ws, name: "db" }, body: {} });
    expect(current.status, current.text).toBe(200);
    expect(current.body).toEqual({ name: "db", version: 2, value: `${VALUE}-2` });
    const first = await call(api.revealSecret, { token: revealer, params: { id: ws, name: "db" }, body: { version: 1 } });
    expect(first.body).toEqual({ name: "db", version: 1, value: VALUE });
    expectProblem(await call(api.revealSecret, { token: revealer, params: { id: ws, name: "db" }, body: { version: 9 } }), 404, "not_found");

    const db = await database();
    const reads = await db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, ws), eq(auditEvents.action, "secret.reveal")));
    expect(reads.map((r) => [r.actorKind, r.actorId, (r.after as { version: number }).version])).toEqual([
      ["client", revealerClientId, 2],
      ["client", revealerClientId, 1],
    ]);
    expect(JSON.stringify(reads)).not.toContain(VALUE);
  });

  it("shows an AWS secret's write as pending until its task has run, and reveals the pending version", async () => {
    vi.stubEnv("SLUICE_SECRET_STORE", "aws");
    try {
      const created = await call(api.createSecret, { token: admin, params: { id: ws }, body: { name: "in-aws", value: `${VALUE}-aws` } });
      expect(created.status, created.text).toBe(201);
      expect(created.text).not.toContain(VALUE);
    } finally {
      vi.unstubAllEnvs();
    }
    const detail = await call(api.getSecret, { token: viewer, params: { id: ws, name: "in-aws" } });
    expect(detail.body).toMatchObject({ store: "aws", version: 1, pendingTasks: [{ kind: "secret.write", state: "queued", target: { type: "secret" }, error: null }] });
    const listed = (await call(api.listSecrets, { token: viewer, params: { id: ws } })).body.items.find((s: { name: string }) => s.name === "in-aws");
    expect(listed.pendingTasks).toEqual(detail.body.pendingTasks);
    const revealed = await call(api.revealSecret, { token: revealer, params: { id: ws, name: "in-aws" }, body: {} });
    expect(revealed.body).toEqual({ name: "in-aws", version: 1, value: `${VALUE}-aws` });
  });

  it("answers 404 for a workspace the caller may not enter", async () => {
    const { operator } = await testTenant("secapi-other");
    const foreign = (await createWorkspace(operator, { name: "elsewhere" })).id;
    expectProblem(await call(api.listSecrets, { token: admin, params: { id: foreign } }), 404, "not_found");
    expectProblem(await call(api.revealSecret, { token: revealer, params: { id: foreign, name: "db" }, body: {} }), 404, "not_found");
  });
});
