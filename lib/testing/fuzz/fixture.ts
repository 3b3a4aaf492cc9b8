import { generateKeyPair, SignJWT } from "jose";
import { SCOPES } from "@/lib/access/actions";
import { adminRole } from "@/lib/access/policy";
import { authConfig } from "@/lib/auth/config";
import { cancelRun, startRun } from "@/lib/engine/runs/service";
import { createEventTrigger } from "@/lib/engine/triggers/events";
import { createSchedule } from "@/lib/engine/triggers/schedules";
import { createWebhook } from "@/lib/engine/triggers/webhooks";
import { signingKey } from "@/lib/auth/keys";
import { revokeClient } from "@/lib/clients/service";
import { putParameter } from "@/lib/apps/parameters";
import { createApp } from "@/lib/apps/service";
import { bucketPrefix } from "@/lib/apps/cloud-names";
import { grantBucket } from "@/lib/buckets/grants";
import { createBucket } from "@/lib/buckets/service";
import { createProvider } from "@/lib/connections/providers";
import { startConnection } from "@/lib/connections/service";
import { createSecret } from "@/lib/secrets/service";
import { testTenant, testToken, testUser } from "@/lib/testing/fixtures";
import { createWorkflow, saveWorkflow } from "@/lib/workflows/service";
import { diamond } from "@/lib/workflows/spec.testing";
import { createSpace } from "@/lib/storage/spaces";
import { testOrganization } from "@/lib/storage/testing/storage";
import { addMember, archiveWorkspace, createWorkspace } from "@/lib/workspaces/service";

/** How a fuzz case authenticates; the fixture turns each into an Authorization header (or none). */
export const AUTHS = ["admin", "member", "none", "basic", "empty-bearer", "not-a-jwt", "alg-none", "foreign-key", "expired", "revoked", "huge", "latin1"] as const;
export type Auth = (typeof AUTHS)[number];

export type FuzzFixture = {
  tenantId: string;
  /** real values for path parameters, by "<collection>/<param>" (see Operation.pathParams) */
  pools: Record<string, string[]>;
  authorization: Record<Auth, string | undefined>;
};

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * A tenant to fuzz against: a platform-admin client holding every scope (deep paths), a client that
 * is only a workspace member, workspaces open, hidden, archived and of another tenant, members, a
 * workflow with two versions and triggers, and tokens that are forged, expired or of a revoked client.
 */
export async function fuzzFixture(): Promise<FuzzFixture> {
  const { tenant, operator } = await testTenant("fuzz");
  const admin = await testToken(operator, [...SCOPES], [adminRole()]);
  const member = await testToken(operator, [...SCOPES]);
  const victim = await testToken(operator, ["workspaces:read"]);
  const revoked = await testToken(operator, [...SCOPES], [adminRole()]);
  await revokeClient(operator, { id: revoked.client.id });
  const user = await testUser(tenant.slug, operator);

  const open = await createWorkspace(operator, { name: "fuzz-open" });
  const hidden = await createWorkspace(operator, { name: "fuzz-hidden", hidden: true, accessRules: [["nobody"]] });
  const archived = await createWorkspace(operator, { name: "fuzz-archived" });
  await archiveWorkspace(operator, { id: archived.id });
  const other = await testTenant("fuzz-other");
  const foreign = await createWorkspace(other.operator, { name: "fuzz-foreign" });
  await addMember(operator, { workspaceId: open.id, email: user.subject, role: "admin" });
  await addMember(operator, { workspaceId: open.id, clientId: member.client.clientId, role: "viewer" });
  await addMember(operator, { workspaceId: open.id, clientId: victim.client.clientId, role: "editor" });
  const flow = await createWorkflow(operator, { workspaceId: open.id, name: "fuzz-flow", spec: diamond() });
  await saveWorkflow(operator, { workspaceId: open.id, name: flow.name, baseVersion: 1, spec: diamond(), message: "second" });
  // ended runs (no worker runs in the fuzz suite): following their logs ends at once
  const run = await startRun(operator, { workspaceId: open.id, workflow: flow.name, inputs: {}, trigger: "api" });
  await cancelRun(operator, { workspaceId: open.id, runId: run.id });
  // triggers of the workflow; the schedule yearly and paused, so no test's worker fires it
  const triggerOf = { workspaceId: open.id, workflow: flow.name };
  const schedule = await createSchedule(operator, { ...triggerOf, name: "fuzz-yearly", cron: "0 0 1 1 *", paused: true });
  const webhook = await createWebhook(operator, { ...triggerOf, name: "fuzz-hook" });
  const binding = await createEventTrigger(operator, { ...triggerOf, eventType: "fuzz.event" });
  // a secret, an OAuth provider and a connection to it waiting for authorization
  await createSecret(operator, { workspaceId: open.id, name: "fuzz-secret", value: "fuzz-secret-value" });
  const provider = await createProvider(operator, { name: "fuzz-oauth", authorizeUrl: "https://oauth.example.test/authorize", tokenUrl: "https://oauth.example.test/token", clientId: "fuzz", clientSecret: "fuzz-client-secret" });
  await startConnection(operator, { workspaceId: open.id, name: "fuzz-connection", providerId: provider.id });

  // an app with a parameter, a bucket granted to it and to the user, and their (queued, never run) tasks
  const { app, task: appTask } = await createApp(operator, { name: "fuzz-app", workspaceId: open.id, admins: [user.id] });
  await putParameter(operator, { appId: app.id, name: "FUZZ_PARAMETER", value: "fuzz-parameter-value" });
  const bucket = await createBucket(operator, { name: `${bucketPrefix(tenant.slug)}fuzz`, workspaceId: open.id, classification: "internal" });
  const { grant } = await grantBucket(operator, { bucketId: bucket.id, principal: { kind: "app", id: app.id }, level: "readonly", prefixes: ["raw/"] });
  await grantBucket(operator, { bucketId: bucket.id, principal: { kind: "user", id: user.id }, level: "admin" });
  // a storage organization on Azurite (started once for the process) with a space and its loading zone
  await testOrganization(operator, "fuzz-org");
  await createSpace(operator, { org: "fuzz-org", name: "fuzz-space", confidentiality: "private", workspaceId: open.id });

  const claims = { iss: authConfig.issuer(), aud: authConfig.audience(), sub: admin.client.id, scope: SCOPES.join(" ") };
  const key = await signingKey();
  const foreignKey = await generateKeyPair("ES256");
  const now = Math.floor(Date.now() / 1000);
  const sign = (privateKey: CryptoKey, exp: number) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: key.kid }).setIssuedAt(now - 7200).setExpirationTime(exp).sign(privateKey);

  return {
    tenantId: tenant.id,
    pools: {
      "workspaces/id": [open.id, hidden.id, archived.id, foreign.id],
      "clients/id": [victim.client.id, revoked.client.id, member.client.id],
      "workflows/name": [flow.name],
      "versions/version": ["1", "2"],
      "members/kind": ["user", "client"],
      "members/memberId": [user.id, victim.client.id, member.client.id],
      "runs/runId": [run.id, "00000000-0000-4000-8000-000000000000"],
      "schedules/scheduleId": [schedule.id, "00000000-0000-4000-8000-000000000000"],
      "webhooks/webhookId": [webhook.id],
      "triggers/triggerId": [binding.id],
      "hooks/id": [webhook.id, "00000000-0000-4000-8000-000000000000"],
      "apps/id": [app.id, "00000000-0000-4000-8000-000000000000"],
      "parameters/name": ["FUZZ_PARAMETER", "MISSING"],
      "buckets/id": [bucket.id, "00000000-0000-4000-8000-000000000000"],
      "grants/grantId": [grant.id, "00000000-0000-4000-8000-000000000000"],
      "users/id": [user.id, "00000000-0000-4000-8000-000000000000"],
      "tasks/id": [appTask.id, "00000000-0000-4000-8000-000000000000"],
      "organizations/org": ["fuzz-org", "no-such-org"],
      "spaces/space": ["fuzz-space", "loadingzone", "no-such-space"],
      "secrets/name": ["fuzz-secret", "connection.fuzz-connection"],
      "oauth-providers/providerId": [provider.id, "00000000-0000-4000-8000-000000000000"],
      "connections/connection": ["fuzz-connection"],
    },
    authorization: {
      admin: `Bearer ${admin.token}`,
      member: `Bearer ${member.token}`,
      none: undefined,
      basic: `Basic ${Buffer.from("user:pass").toString("base64")}`,
      "empty-bearer": "Bearer ",
      "not-a-jwt": "Bearer not.a.jwt",
      "alg-none": `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims, exp: now + 3600 })}.`,
      "foreign-key": `Bearer ${await sign(foreignKey.privateKey, now + 3600)}`,
      expired: `Bearer ${await sign(key.privateKey, now - 3600)}`,
      revoked: `Bearer ${revoked.token}`,
      huge: `Bearer ${"a".repeat(8_000)}`,
      latin1: "Bearer \u00ff\u00fe\u00e9",
    },
  };
}
