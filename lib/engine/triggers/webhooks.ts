import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { tenants, webhookReceipts, webhooks, workflows } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";
import { AppError, conflict, notFound } from "@/lib/errors";
import { bodyText } from "@/lib/http/body";
import { parseJsonBody } from "@/lib/http/json";
import { rateLimit } from "@/lib/http/rate-limit";
import { parseInput } from "@/lib/validation";
import { startRun } from "../runs/service";
import { triggerPrincipal } from "./principal";
import { createWebhookBody, hookBody, type IssuedWebhook, type Webhook } from "./schema";
import { assertRoom, findOf, listOf, nameTaken, triggerTarget, workflowRef, type TriggerTarget, type WorkflowRef } from "./target";

/**
 * Webhooks: a URL per webhook (/api/v1/hooks/{id}) that starts a run of its workflow, the JSON
 * body's fields as the run's inputs. Its secret is shown once (at create and rotate) and kept sealed
 * under the master key. A call proves it knows the secret with `Authorization: Bearer <secret>`, or
 * with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` as GitHub signs; the same body
 * again within REPLAY_WINDOW is refused, so a captured signed request cannot start a second run.
 */
export const REPLAY_WINDOW_MINUTES = 5;
/** Calls per minute: per address (counted before the secret is checked) and per webhook (after). */
export const CALLS_PER_ADDRESS = 120;
export const CALLS_PER_WEBHOOK = 60;

type WebhookRow = typeof webhooks.$inferSelect;

export const sealContext = (row: Pick<WebhookRow, "id" | "secretVersion">): SealContext => ({ purpose: "webhook-secret", owner: row.id, version: row.secretVersion });
const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;
const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Sluice's public URL (NEXTAUTH_URL), where callers reach the webhook. */
function publicOrigin() {
  return (process.env.NEXTAUTH_URL || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, "");
}

function present(row: WebhookRow, workflow: string): Webhook {
  return {
    id: row.id,
    workflow,
    name: row.name,
    auth: row.auth,
    url: `${publicOrigin()}/api/v1/hooks/${row.id}`,
    secretVersion: row.secretVersion,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    rotatedAt: iso(row.rotatedAt),
    lastCalledAt: iso(row.lastCalledAt),
  };
}

const webhookRef = workflowRef.extend({ webhookId: z.string() });
const findWebhook = (target: TriggerTarget, webhookId: string) => findOf(webhooks, target.workflow, webhookId, "webhook");

export async function listWebhooks(p: Principal, input: WorkflowRef) {
  const target = await triggerTarget(p, parseInput(workflowRef, input), "run.read");
  const rows = await listOf(webhooks, target.workflow, asc(webhooks.name));
  return { items: rows.map((row) => present(row, target.workflow.name)) };
}

export async function getWebhook(p: Principal, input: z.input<typeof webhookRef>) {
  const { webhookId, ...rest } = parseInput(webhookRef, input);
  const target = await triggerTarget(p, rest, "run.read");
  return present(await findWebhook(target, webhookId), target.workflow.name);
}

const createInput = createWebhookBody.extend(workflowRef.shape);

/** Creates a webhook; the answer holds its secret, the only time it is shown. */
export async function createWebhook(p: Principal, input: z.input<typeof createInput>): Promise<IssuedWebhook> {
  const { workspaceId, workflow, ...data } = parseInput(createInput, input);
  const target = await triggerTarget(p, { workspaceId, workflow }, "trigger.manage");
  const id = randomUUID();
  const secret = newSecret();
  const db = await database();
  try {
    const row = await db.transaction(async (tx) => {
      await assertRoom(tx, webhooks, target.workflow, "webhooks");
      const [created] = await tx
        .insert(webhooks)
        .values({ id, tenantId: p.tenantId, workspaceId: target.ws.id, workflowId: target.workflow.id, name: data.name, auth: data.auth, sealedSecret: seal(secret, sealContext({ id, secretVersion: 1 })), secretVersion: 1, createdBy: describePrincipal(p) })
        .returning();
      await recordAudit(tx, p, { action: "webhook.create", targetType: "webhook", targetId: id, workspaceId: target.ws.id, after: { name: data.name, auth: data.auth, workflow: target.workflow.name } });
      return created;
    });
    return { ...present(row, target.workflow.name), secret };
  } catch (error) {
    throw nameTaken(error, "webhook") ?? error;
  }
}

/** A new secret for the webhook (the old one stops working at once); the answer holds it, the only time it is shown. */
export async function rotateWebhook(p: Principal, input: z.input<typeof webhookRef>): Promise<IssuedWebhook> {
  const { webhookId, ...rest } = parseInput(webhookRef, input);
  const target = await triggerTarget(p, rest, "trigger.manage");
  const current = await findWebhook(target, webhookId);
  const secret = newSecret();
  const db = await database();
  const row = await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(webhooks).where(eq(webhooks.id, current.id)).for("update");
    if (!locked) throw notFound("webhook");
    const version = locked.secretVersion + 1;
    const [rotated] = await tx
      .update(webhooks)
      .set({ sealedSecret: seal(secret, sealContext({ id: locked.id, secretVersion: version })), secretVersion: version, rotatedAt: new Date() })
      .where(eq(webhooks.id, locked.id))
      .returning();
    await recordAudit(tx, p, { action: "webhook.rotate", targetType: "webhook", targetId: locked.id, workspaceId: target.ws.id, before: { secretVersion: locked.secretVersion }, after: { secretVersion: version } });
    return rotated;
  });
  return { ...present(row, target.workflow.name), secret };
}

export async function deleteWebhook(p: Principal, input: z.input<typeof webhookRef>) {
  const { webhookId, ...rest } = parseInput(webhookRef, input);
  const target = await triggerTarget(p, rest, "trigger.manage");
  const current = await findWebhook(target, webhookId);
  const db = await database();
  await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(webhooks).where(eq(webhooks.id, current.id)).returning();
    if (!deleted) throw notFound("webhook");
    await recordAudit(tx, p, { action: "webhook.delete", targetType: "webhook", targetId: deleted.id, workspaceId: target.ws.id, before: { name: deleted.name, auth: deleted.auth } });
  });
}

/** Equal texts, compared in constant time (through their digests, which have equal lengths). */
function sameText(given: string, expected: string) {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function authentic(row: WebhookRow, secret: string, headers: Headers, body: Uint8Array) {
  if (row.auth === "bearer") {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
    return sameText(match?.[1] ?? "", secret);
  }
  const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return sameText((headers.get("x-hub-signature-256") ?? "").trim().toLowerCase(), expected);
}

/** The same answer for an unknown webhook and a wrong secret: a caller learns nothing about which webhooks exist. */
const unauthorized = () => new AppError(401, "unauthorized", "The webhook's secret or signature is missing or wrong.");

async function findCalled(id: string) {
  if (!z.uuid().safeParse(id).success) return undefined;
  const db = await database();
  const [found] = await db
    .select({ row: webhooks, workflow: workflows.name, tenant: { id: tenants.id, slug: tenants.slug } })
    .from(webhooks)
    .innerJoin(workflows, and(eq(workflows.id, webhooks.workflowId), isNull(workflows.deletedAt)))
    .innerJoin(tenants, eq(tenants.id, webhooks.tenantId))
    .where(eq(webhooks.id, id));
  return found;
}

function hookInputs(body: Uint8Array): Record<string, unknown> {
  const text = bodyText(body);
  return parseInput(hookBody, text.trim() ? parseJsonBody(text) : {}, "The request body must be a JSON object of the run's inputs.");
}

/**
 * A call of a webhook's URL: answers the run it started. 401 (nothing started) unless the call
 * carries the webhook's secret or signature; 409 for a body received within the replay window; 429
 * beyond the rate limits; 400 when the body's inputs do not fit the workflow.
 */
export async function receiveHook(input: { id: string; headers: Headers; body: Uint8Array; address: string }): Promise<{ runId: string }> {
  await rateLimit([`hook:address:${input.address}`], CALLS_PER_ADDRESS);
  const found = await findCalled(input.id);
  if (!found) throw unauthorized();
  const { row } = found;
  if (!authentic(row, open(row.sealedSecret, sealContext(row)), input.headers, input.body)) throw unauthorized();
  await rateLimit([`hook:${row.id}`], CALLS_PER_WEBHOOK);
  const inputs = hookInputs(input.body);
  const digest = createHash("sha256").update(input.body).digest("hex");
  const principal = triggerPrincipal(found.tenant, "webhook", row);
  const run = await startRun(principal, { workspaceId: row.workspaceId, workflow: found.workflow, inputs, trigger: "webhook", triggerRef: row.id }, async (tx, started) => {
    await tx.delete(webhookReceipts).where(and(eq(webhookReceipts.webhookId, row.id), lt(webhookReceipts.receivedAt, sql`now() - make_interval(mins => ${REPLAY_WINDOW_MINUTES})`)));
    const [fresh] = await tx.insert(webhookReceipts).values({ webhookId: row.id, digest, runId: started.id }).onConflictDoNothing().returning();
    if (!fresh) throw conflict("replayed", `This body was received less than ${REPLAY_WINDOW_MINUTES} minutes ago; a replay starts nothing. Send something that differs (a delivery id, a timestamp) to start another run.`);
    await tx.update(webhooks).set({ lastCalledAt: sql`now()` }).where(eq(webhooks.id, row.id));
  });
  return { runId: run.id };
}
