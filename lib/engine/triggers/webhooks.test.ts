import { createHmac } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { auditEvents, runs, webhookReceipts } from "@/db/schema";
import { engineFixture, engineWorker, saveWorkflow, sh, waitForRun } from "@/lib/engine/testing/engine";
import { PEER_HEADER } from "@/lib/http/peer";
import { testToken } from "@/lib/testing/fixtures";
import { call, expectProblem } from "@/lib/testing/http";
import * as api from "./endpoints";
import { CALLS_PER_ADDRESS, CALLS_PER_WEBHOOK } from "./webhooks";

let fx: Awaited<ReturnType<typeof engineFixture>>;
let token: string;
const w = engineWorker();
beforeAll(async () => {
  fx = await engineFixture("hooks");
  token = (await testToken(fx.operator, ["runs:read", "runs:write"], ["sluice-admin"])).token;
  await saveWorkflow(fx.admin, fx.workspaceId, "greet", { inputs: [{ name: "who", type: "string", required: true }, { name: "times", type: "number", required: false, default: 1 }], steps: [sh("greet", "echo hello {{inputs.who}} x{{inputs.times}}")] });
  await w.start();
});
afterAll(() => w.stop());

const params = () => ({ id: fx.workspaceId, name: "greet" });
const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function create(name: string, auth: "hmac" | "bearer") {
  const created = await call(api.createWebhook, { token, params: params(), body: { name, auth } });
  expect(created.status, created.text).toBe(201);
  return created.body as { id: string; url: string; secret: string; secretVersion: number };
}

async function runsOf(webhookId: string) {
  const db = await database();
  return db.select().from(runs).where(and(eq(runs.trigger, "webhook"), eq(runs.triggerRef, webhookId))).orderBy(asc(runs.createdAt));
}

const hook = (id: string, rawBody: string, headers: Record<string, string> = {}) => call(api.callHook, { params: { id }, rawBody, headers });

describe("webhooks", () => {
  it("shows the secret once; a body signed with it starts a run with the body's fields as inputs (202)", async () => {
    const created = await create("github", "hmac");
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.url).toMatch(new RegExp(`/api/v1/hooks/${created.id}$`));
    const listed = await call(api.listWebhooks, { token, params: params() });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.id, name: "github", auth: "hmac", secretVersion: 1 })]);
    expect(listed.text).not.toContain(created.secret);
    expect((await call(api.getWebhook, { token, params: { ...params(), webhookId: created.id } })).text).not.toContain(created.secret);

    const body = JSON.stringify({ who: "octocat", times: 2 });
    const accepted = await hook(created.id, body, { "x-hub-signature-256": sign(created.secret, body) });
    expect(accepted.status, accepted.text).toBe(202);
    const run = await waitForRun(fx.admin, fx.workspaceId, accepted.body.runId);
    expect(run).toMatchObject({ state: "succeeded", trigger: "webhook", triggerRef: created.id, startedBy: { kind: "system", id: created.id, name: "webhook github" }, inputs: { who: "octocat", times: 2 } });
    expect(run.steps[0].outputs).toEqual({ out: "hello octocat x2" });
  });

  it("answers 401 and starts nothing for a wrong or missing signature, a wrong secret, and an unknown webhook alike", async () => {
    const created = await create("signed", "hmac");
    const body = JSON.stringify({ who: "mallory" });
    const refused = [
      await hook(created.id, body),
      await hook(created.id, body, { "x-hub-signature-256": sign("whsec_not-the-secret", body) }),
      await hook(created.id, body, { "x-hub-signature-256": sign(created.secret, `${body} `) }),
      await hook(created.id, body, { "x-hub-signature-256": "sha256=" }),
      await hook(created.id, body, { authorization: `Bearer ${created.secret}` }),
      await hook("00000000-0000-4000-8000-000000000000", body, { "x-hub-signature-256": sign(created.secret, body) }),
      await hook("not-a-uuid", body, { "x-hub-signature-256": sign(created.secret, body) }),
    ];
    const problems = refused.map((answer) => expectProblem(answer, 401, "unauthorized"));
    expect(new Set(problems.map((p) => p.title)).size).toBe(1);
    expect(await runsOf(created.id)).toHaveLength(0);
  });

  it("accepts a bearer webhook's secret in Authorization, and only that", async () => {
    const created = await create("plain", "bearer");
    const body = JSON.stringify({ who: "bearer" });
    expectProblem(await hook(created.id, body, { authorization: "Bearer whsec_wrong" }), 401, "unauthorized");
    expectProblem(await hook(created.id, body, { "x-hub-signature-256": sign(created.secret, body) }), 401, "unauthorized");
    const accepted = await hook(created.id, body, { authorization: `Bearer ${created.secret}` });
    expect(accepted.status, accepted.text).toBe(202);
    expect((await runsOf(created.id)).map((r) => r.id)).toEqual([accepted.body.runId]);
  });

  it("refuses a replayed body within the window (409, nothing started) and accepts it after", async () => {
    const created = await create("replays", "hmac");
    const body = JSON.stringify({ who: "again" });
    const headers = { "x-hub-signature-256": sign(created.secret, body) };
    expect((await hook(created.id, body, headers)).status).toBe(202);
    expectProblem(await hook(created.id, body, headers), 409, "replayed");
    expect(await runsOf(created.id)).toHaveLength(1);
    const other = JSON.stringify({ who: "again", delivery: 2 });
    expect((await hook(created.id, other, { "x-hub-signature-256": sign(created.secret, other) })).status).toBe(400); // `delivery` is no input
    const db = await database();
    await db.update(webhookReceipts).set({ receivedAt: sql`now() - interval '6 minutes'` }).where(eq(webhookReceipts.webhookId, created.id));
    expect((await hook(created.id, body, headers)).status).toBe(202);
    expect(await runsOf(created.id)).toHaveLength(2);
  });

  it("checks the inputs like a manual start (400, nothing started) and refuses a body that is not a JSON object", async () => {
    const created = await create("inputs", "bearer");
    const headers = { authorization: `Bearer ${created.secret}` };
    const missing = expectProblem(await hook(created.id, "{}", headers), 400, "validation_failed");
    expect(missing.errors).toEqual([{ path: "inputs.who", message: "required" }]);
    expectProblem(await hook(created.id, JSON.stringify({ who: "x", times: "many" }), headers), 400, "validation_failed");
    expectProblem(await hook(created.id, "[1,2]", headers), 400, "validation_failed");
    expectProblem(await hook(created.id, "{not json", headers), 400, "invalid_json");
    expect(await runsOf(created.id)).toHaveLength(0);
  });

  it("rotates (the old secret stops working) and deletes (the URL answers 401), audited", async () => {
    const created = await create("rotating", "bearer");
    const ref = { ...params(), webhookId: created.id };
    const rotated = await call(api.rotateWebhook, { token, params: ref });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: created.id, secretVersion: 2, rotatedAt: expect.any(String) });
    expect(rotated.body.secret).not.toBe(created.secret);
    const body = JSON.stringify({ who: "rotated" });
    expectProblem(await hook(created.id, body, { authorization: `Bearer ${created.secret}` }), 401, "unauthorized");
    expect((await hook(created.id, body, { authorization: `Bearer ${rotated.body.secret}` })).status).toBe(202);
    expect((await call(api.deleteWebhook, { token, params: ref })).status).toBe(204);
    const again = JSON.stringify({ who: "deleted" });
    expectProblem(await hook(created.id, again, { authorization: `Bearer ${rotated.body.secret}` }), 401, "unauthorized");
    const db = await database();
    const audited = await db.select({ action: auditEvents.action, after: auditEvents.after }).from(auditEvents).where(eq(auditEvents.targetId, created.id)).orderBy(asc(auditEvents.id));
    expect(audited.map((a) => a.action)).toEqual(["webhook.create", "webhook.rotate", "webhook.delete"]);
    expect(JSON.stringify(audited)).not.toContain(rotated.body.secret);
  });

  it("limits calls per address before the secret is checked, and per webhook after", async () => {
    const address = { [PEER_HEADER]: "10.99.0.1" };
    let last = await hook("00000000-0000-4000-8000-000000000000", "{}", address);
    for (let i = 1; i <= CALLS_PER_ADDRESS; i++) last = await hook("00000000-0000-4000-8000-000000000000", "{}", address);
    expectProblem(last, 429, "rate_limited");

    const created = await create("busy", "bearer");
    const headers = { authorization: `Bearer ${created.secret}` };
    for (let i = 0; i < CALLS_PER_WEBHOOK; i++) expect((await hook(created.id, "{}", headers)).status).toBe(400);
    expectProblem(await hook(created.id, "{}", headers), 429, "rate_limited");
  });

  it("needs runs:write to create, rotate or delete; a token of another tenant finds nothing", async () => {
    const reader = (await testToken(fx.operator, ["runs:read"], ["sluice-admin"])).token;
    expectProblem(await call(api.createWebhook, { token: reader, params: params(), body: { name: "nope" } }), 403, "insufficient_scope");
    expect((await call(api.listWebhooks, { token: reader, params: params() })).status).toBe(200);
    const other = await engineFixture("hooks-other");
    const stranger = (await testToken(other.operator, ["runs:read", "runs:write"], ["sluice-admin"])).token;
    expectProblem(await call(api.listWebhooks, { token: stranger, params: params() }), 404, "not_found");
    expectProblem(await call(api.createWebhook, { token, params: params(), body: { name: "github", auth: "hmac" } }), 409, "name_taken");
  });
});
