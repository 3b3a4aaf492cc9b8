import { beforeAll, describe, expect, it } from "vitest";
import * as clientsApi from "@/lib/clients/endpoints";
import { call, expectFieldErrors, expectProblem } from "@/lib/testing/http";
import { testTenant, testToken, testUser } from "@/lib/testing/fixtures";
import * as workspacesApi from "@/lib/workspaces/endpoints";
import { listAudit } from "./endpoints";

type Event = {
  id: number;
  at: string;
  actor: { kind: string; id: string; name: string };
  action: string;
  target: { type: string; id: string };
  workspaceId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
};

describe("GET /audit", () => {
  let operator: Awaited<ReturnType<typeof testTenant>>["operator"];
  let tenantSlug: string;
  let admin: string;
  let adminClient: { id: string; name: string };
  let w: { id: string };
  let v: { id: string };
  let memberId: string;
  let bot: { client: { id: string }; clientSecret: string };

  async function audit(query: Record<string, string> = {}, token = admin) {
    const res = await call(listAudit, { token, query });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Event[]; nextCursor: string | null };
  }
  const actions = (page: { items: Event[] }) => page.items.map((e) => e.action);

  beforeAll(async () => {
    const t = await testTenant("audit");
    operator = t.operator;
    tenantSlug = t.tenant.slug;
    const created = await testToken(operator, ["workspaces:read", "workspaces:write", "clients:read", "clients:write", "audit:read"], ["sluice-admin"]);
    admin = created.token;
    adminClient = created.client;

    const ok = (res: { status: number; body: unknown }, status = 200) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res.body as { id: string };
    };
    w = ok(await call(workspacesApi.createWorkspace, { token: admin, body: { name: "alpha" }, headers: { "x-request-id": "req-create-alpha" } }), 201);
    v = ok(await call(workspacesApi.createWorkspace, { token: admin, body: { name: "beta" } }), 201);
    ok(
      await call(workspacesApi.updateWorkspace, {
        token: admin,
        params: { id: w.id },
        headers: { "if-match": '"1"', "x-request-id": "req-update-alpha" },
        body: { name: "alpha-2", description: "renamed", accessRules: ["ops"] },
      }),
    );
    const user = await testUser(tenantSlug, operator);
    memberId = user.id;
    ok(await call(workspacesApi.addMember, { token: admin, params: { id: w.id }, body: { email: user.subject, role: "viewer" } }), 201);
    ok(await call(workspacesApi.archiveWorkspace, { token: admin, params: { id: w.id } }));
    bot = (await call(clientsApi.createClient, { token: admin, body: { name: "robot", scopes: ["workspaces:read"] } })).body;
    ok(await call(clientsApi.rotateClientSecret, { token: admin, params: { id: bot.client.id } }));
    ok(await call(clientsApi.revokeClient, { token: admin, params: { id: bot.client.id } }));
  });

  it("lists newest first", async () => {
    const page = await audit();
    const ids = page.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(actions(page).slice(0, 9)).toEqual([
      "client.revoke",
      "client.rotate_secret",
      "client.create",
      "workspace.archive",
      "member.add",
      "user.create",
      "workspace.update",
      "workspace.create",
      "workspace.create",
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it("shows a workspace update with before, after, actor and request id", async () => {
    const page = await audit({ action: "workspace.update" });
    expect(page.items).toEqual([
      {
        id: expect.any(Number),
        at: expect.any(String),
        actor: { kind: "client", id: adminClient.id, name: `client ${adminClient.name}` },
        action: "workspace.update",
        target: { type: "workspace", id: w.id },
        workspaceId: w.id,
        before: { name: "alpha", description: "", accessRules: [], hidden: false, archived: false, maxConcurrentRuns: null, runVisibility: "all", allowedStepKinds: null, engine: null },
        after: { name: "alpha-2", description: "renamed", accessRules: [["ops"]], hidden: false, archived: false, maxConcurrentRuns: null, runVisibility: "all", allowedStepKinds: null, engine: null },
        requestId: "req-update-alpha",
      },
    ]);
    expect(Number.isNaN(Date.parse(page.items[0].at))).toBe(false);
  });

  it("filters by an action prefix ending in '.'", async () => {
    expect(actions(await audit({ action: "workspace." }))).toEqual(["workspace.archive", "workspace.update", "workspace.create", "workspace.create"]);
    expect(actions(await audit({ action: "client." }))).toEqual(["client.revoke", "client.rotate_secret", "client.create", "client.create"]);
  });

  it("takes an action without a trailing '.' exactly, and LIKE characters literally", async () => {
    expect(actions(await audit({ action: "workspace" }))).toEqual([]);
    expect(actions(await audit({ action: "workspace.creat" }))).toEqual([]);
    expect(actions(await audit({ action: "%." }))).toEqual([]);
    expect(actions(await audit({ action: "workspace_update." }))).toEqual([]);
    expect(actions(await audit({ action: "workspace.create" }))).toEqual(["workspace.create", "workspace.create"]);
  });

  it("filters by target type and target id", async () => {
    const members = await audit({ targetType: "member" });
    expect(members.items).toHaveLength(1);
    expect(members.items[0]).toMatchObject({ action: "member.add", target: { type: "member", id: `user:${memberId}` }, workspaceId: w.id, before: null, after: { role: "viewer" } });
    expect(actions(await audit({ targetType: "workspace", targetId: v.id }))).toEqual(["workspace.create"]);
    expect(actions(await audit({ targetType: "client", targetId: bot.client.id }))).toEqual(["client.revoke", "client.rotate_secret", "client.create"]);
  });

  it("records a client's revocation with before and after, and never its secret", async () => {
    const page = await audit({ action: "client.revoke" });
    expect(page.items[0]).toMatchObject({ before: { name: "robot", revoked: false }, after: { name: "robot", revoked: true } });
    const all = await call(listAudit, { token: admin, query: { limit: "200" } });
    expect(all.text).not.toContain(bot.clientSecret);
  });

  it("filters by workspace", async () => {
    expect(actions(await audit({ workspaceId: w.id }))).toEqual(["workspace.archive", "member.add", "workspace.update", "workspace.create"]);
    expect(actions(await audit({ workspaceId: v.id }))).toEqual(["workspace.create"]);
    expect(actions(await audit({ workspaceId: "5f0c8b55-7d8f-4a4e-9f3b-1d8e6e6c2a10" }))).toEqual([]);
  });

  it("filters by actor id or part of its name", async () => {
    const byId = await audit({ actor: adminClient.id });
    expect(byId.items.length).toBe(9);
    expect(actions(byId)).toContain("token.issue");
    expect(new Set(byId.items.map((e) => e.actor.id))).toEqual(new Set([adminClient.id]));
    const byName = await audit({ actor: "OPERATOR" });
    expect(actions(byName)).toContain("tenant.create");
    expect(new Set(byName.items.map((e) => e.actor.name))).toEqual(new Set(["operator (cli)"]));
  });

  it("filters by time", async () => {
    const all = await audit();
    const newest = all.items[0].at;
    expect(await audit({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual({ items: [], nextCursor: null });
    expect(await audit({ until: "2000-01-01T00:00:00Z" })).toEqual({ items: [], nextCursor: null });
    expect((await audit({ since: newest })).items.map((e) => e.id)).toContain(all.items[0].id);
    expect((await audit({ since: "2000-01-01T00:00:00+02:00" })).items).toHaveLength(all.items.length);
  });

  it("pages with a cursor, combined with filters", async () => {
    const first = await audit({ workspaceId: w.id, limit: "3" });
    expect(actions(first)).toEqual(["workspace.archive", "member.add", "workspace.update"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await audit({ workspaceId: w.id, limit: "3", cursor: first.nextCursor! });
    expect(actions(second)).toEqual(["workspace.create"]);
    expect(second.nextCursor).toBeNull();

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await audit({ workspaceId: w.id, limit: "2", ...(cursor ? { cursor } : {}) });
      pages.push(actions(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 10);
    expect(pages).toEqual([["workspace.archive", "member.add"], ["workspace.update", "workspace.create"]]);
  });

  it("shows nothing of another tenant", async () => {
    const other = await testTenant("audit-b");
    const { token } = await testToken(other.operator, ["audit:read"], ["sluice-admin"]);
    expect(await audit({ workspaceId: w.id }, token)).toEqual({ items: [], nextCursor: null });
    expect(await audit({ targetId: bot.client.id }, token)).toEqual({ items: [], nextCursor: null });
    const own = await audit({}, token);
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.map((e) => e.target.id)).not.toContain(w.id);
  });

  it.each<[string, Record<string, string>, string]>([
    ["a workspace id that is not a UUID", { workspaceId: "alpha" }, "query.workspaceId"],
    ["a limit of 0", { limit: "0" }, "query.limit"],
    ["a limit of 201", { limit: "201" }, "query.limit"],
    ["a date that is not ISO 8601", { since: "yesterday" }, "query.since"],
    ["a date without a time", { until: "2024-01-01" }, "query.until"],
    ["an unknown parameter", { tenant: "other" }, "query.tenant"],
    ["an overlong action", { action: "a".repeat(101) }, "query.action"],
    ["a NUL character in the actor", { actor: "op\u0000" }, "query.actor"],
  ])("refuses %s with 400, never 500", async (_name, query, path) => {
    const errors = expectFieldErrors(await call(listAudit, { token: admin, query }));
    expect(errors.map((e) => e.path)).toContain(path);
  });

  it.each([
    ["random text", "abc"],
    ["an id beyond the safe integers", Buffer.from("99999999999999999999").toString("base64url")],
    ["a negative id", Buffer.from("-5").toString("base64url")],
    ["an id with a leading zero", Buffer.from("07").toString("base64url")],
  ])("refuses a cursor of %s with 400 invalid_cursor", async (_name, cursor) => {
    const errors = expectFieldErrors(await call(listAudit, { token: admin, query: { cursor } }), "invalid_cursor");
    expect(errors.map((e) => e.path)).toEqual(["cursor"]);
  });

  it("needs the audit:read scope and the platform admin role", async () => {
    const noScope = await testToken(operator, ["workspaces:read", "clients:read"], ["sluice-admin"]);
    expect(expectProblem(await call(listAudit, { token: noScope.token }), 403, "insufficient_scope").requiredScope).toBe("audit:read");
    const noRole = await testToken(operator, ["audit:read"], ["ops"]);
    expectProblem(await call(listAudit, { token: noRole.token }), 403, "forbidden");
  });
});
