import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectFieldErrors, expectProblem } from "@/lib/testing/http";
import { testTenant, testToken, testUser } from "@/lib/testing/fixtures";
import { revokeClient } from "@/lib/clients/service";
import * as api from "./endpoints";

type Setup = Awaited<ReturnType<typeof tenantWithAdmin>>;

/** A tenant and a platform-admin client that may read and write workspaces. */
async function tenantWithAdmin(prefix = "ws") {
  const { tenant, operator } = await testTenant(prefix);
  const admin = await testToken(operator, ["workspaces:read", "workspaces:write"], ["sluice-admin"]);
  return { tenant, operator, admin: admin.token, adminClient: admin.client };
}

async function createWs(token: string, body: Record<string, unknown>) {
  const res = await call(api.createWorkspace, { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; version: number; [key: string]: unknown };
}

const uniqueName = (prefix = "ws") => `${prefix}-${randomBytes(4).toString("hex")}`;

describe("GET /workspaces", () => {
  let s: Setup;
  let reader: string;
  const visible = ["b-1", "b-3", "b-4", "c-1", "c-2", "c-3", "c-4"];
  const hidden = ["b-2a", "b-2b", "b-2c", "b-2d", "b-2e"];

  beforeAll(async () => {
    s = await tenantWithAdmin();
    reader = (await testToken(s.operator, ["workspaces:read"])).token;
    for (const name of [...visible].reverse()) await createWs(s.admin, { name });
    for (const name of hidden) await createWs(s.admin, { name, hidden: true, accessRules: [["secret"]] });
  });

  async function pages(token: string, limit: number, extra: Record<string, string> = {}) {
    const seen: string[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await call(api.listWorkspaces, { token, query: { limit: String(limit), ...extra, ...(cursor ? { cursor } : {}) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      seen.push(res.body.items.map((w: { name: string }) => w.name));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) return seen;
      expect(typeof cursor).toBe("string");
    }
    throw new Error("pagination did not end");
  }

  it("pages through more workspaces than the limit, by name, without gaps or repeats", async () => {
    const all = [...visible, ...hidden].sort();
    const seen = await pages(s.admin, 3);
    expect(seen.flat()).toEqual(all);
    expect(seen.map((p) => p.length)).toEqual([3, 3, 3, 3]);
  });

  it("skips hidden workspaces the caller may not enter, even runs longer than a page", async () => {
    const seen = await pages(reader, 2);
    expect(seen).toEqual([["b-1", "b-3"], ["b-4", "c-1"], ["c-2", "c-3"], ["c-4"]]);
  });

  it("returns one page with a null cursor when everything fits", async () => {
    const res = await call(api.listWorkspaces, { token: reader });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((w: { name: string }) => w.name)).toEqual(visible);
  });

  it("shows listed workspaces without access as name and description only", async () => {
    const res = await call(api.listWorkspaces, { token: reader, query: { limit: "1" } });
    expect(res.body.items).toEqual([{ id: expect.any(String), name: "b-1", description: "", access: "none" }]);
  });

  it("filters by part of the name, case-insensitively, with LIKE characters taken literally", async () => {
    const res = await call(api.listWorkspaces, { token: s.admin, query: { q: "B-2" } });
    expect(res.body.items.map((w: { name: string }) => w.name)).toEqual(hidden);
    const literal = await call(api.listWorkspaces, { token: s.admin, query: { q: "_" } });
    expect(literal.body.items).toEqual([]);
  });

  it("filters archived workspaces", async () => {
    const { admin } = await tenantWithAdmin();
    const kept = await createWs(admin, { name: "kept" });
    const gone = await createWs(admin, { name: "gone" });
    expect((await call(api.archiveWorkspace, { token: admin, params: { id: gone.id } })).status).toBe(200);
    const names = async (archived?: string) =>
      (await call(api.listWorkspaces, { token: admin, query: archived ? { archived } : {} })).body.items.map((w: { name: string }) => w.name);
    expect(await names()).toEqual([kept.name]);
    expect(await names("exclude")).toEqual([kept.name]);
    expect(await names("only")).toEqual([gone.name]);
    expect(await names("include")).toEqual([gone.name, kept.name]);
  });

  it("never shows another tenant's workspaces", async () => {
    const other = await tenantWithAdmin();
    const res = await call(api.listWorkspaces, { token: other.admin });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it.each<[string, Record<string, string>, string]>([
    ["a zero limit", { limit: "0" }, "query.limit"],
    ["a limit above 200", { limit: "201" }, "query.limit"],
    ["a limit that is not a number", { limit: "ten" }, "query.limit"],
    ["a fractional limit", { limit: "1.5" }, "query.limit"],
    ["an unknown archived filter", { archived: "maybe" }, "query.archived"],
    ["an unknown parameter", { sort: "name" }, "query.sort"],
  ])("refuses %s with a field error", async (_name, query, path) => {
    const errors = expectFieldErrors(await call(api.listWorkspaces, { token: reader, query }));
    expect(errors.map((e) => e.path)).toContain(path);
  });

  it.each([
    ["bytes that decode to NUL characters", "AAAA"],
    ["random text", "not a cursor!"],
    ["a cursor that is not canonical base64url", "YQ=="],
  ])("refuses a cursor of %s with 400 invalid_cursor, not 500", async (_name, cursor) => {
    const errors = expectFieldErrors(await call(api.listWorkspaces, { token: reader, query: { cursor } }), "invalid_cursor");
    expect(errors.map((e) => e.path)).toEqual(["cursor"]);
  });

  it("needs the workspaces:read scope", async () => {
    const { token } = await testToken(s.operator, ["workspaces:write"], ["sluice-admin"]);
    const problem = expectProblem(await call(api.listWorkspaces, { token }), 403, "insufficient_scope");
    expect(problem.requiredScope).toBe("workspaces:read");
  });
});

describe("POST /workspaces", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await tenantWithAdmin();
  });

  it("creates a workspace: 201, ETag and the full representation", async () => {
    const name = uniqueName();
    const res = await call(api.createWorkspace, { token: s.admin, body: { name: `  ${name}  `, description: "d", accessRules: ["ops", "dev", "ops"], hidden: true } });
    expect(res.status).toBe(201);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name,
      description: "d",
      accessRules: [["ops", "dev"]],
      hidden: true,
      archived: false,
      access: "admin",
      version: 1,
      maxConcurrentRuns: null,
      runVisibility: "all",
      allowedStepKinds: null,
      engine: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const got = await call(api.getWorkspace, { token: s.admin, params: { id: res.body.id } });
    expect(got.body).toEqual(res.body);
  });

  it("applies defaults", async () => {
    const body = await createWs(s.admin, { name: uniqueName() });
    expect(body).toMatchObject({ description: "", accessRules: [], hidden: false, archived: false });
  });

  it("refuses a taken name with 409 name_taken", async () => {
    const name = uniqueName();
    await createWs(s.admin, { name });
    const problem = expectProblem(await call(api.createWorkspace, { token: s.admin, body: { name } }), 409, "name_taken");
    expect(problem.errors).toEqual([{ path: "name", message: expect.any(String) }]);
  });

  it("lets another tenant use the same name", async () => {
    const name = uniqueName();
    await createWs(s.admin, { name });
    const other = await tenantWithAdmin();
    await createWs(other.admin, { name });
  });

  it("does not make a creating client a member", async () => {
    const created = await createWs(s.admin, { name: uniqueName() });
    const members = await call(api.listMembers, { token: s.admin, params: { id: created.id } });
    expect(members.body).toEqual({ items: [] });
  });

  it("needs the workspaces:write scope", async () => {
    const { token } = await testToken(s.operator, ["workspaces:read"], ["sluice-admin"]);
    expectProblem(await call(api.createWorkspace, { token, body: { name: uniqueName() } }), 403, "insufficient_scope");
  });

  it("needs the platform admin role", async () => {
    const { token } = await testToken(s.operator, ["workspaces:read", "workspaces:write"], ["ops"]);
    expectProblem(await call(api.createWorkspace, { token, body: { name: uniqueName() } }), 403, "forbidden");
  });

  it("refuses invalid JSON with 400 invalid_json and an error for the body", async () => {
    const res = await call(api.createWorkspace, { token: s.admin, rawBody: '{"name": "x",' });
    const errors = expectFieldErrors(res, "invalid_json");
    expect(errors).toEqual([{ path: "", message: expect.any(String) }]);
  });

  it.each<[string, unknown, string]>([
    ["an empty body", undefined, "name"],
    ["a JSON array", [], ""],
    ["JSON null", null, ""],
    ["a JSON string", "alpha", ""],
    ["a missing name", { description: "x" }, "name"],
    ["a numeric name", { name: 5 }, "name"],
    ["an empty name", { name: "" }, "name"],
    ["a blank name", { name: "   " }, "name"],
    ["a name starting with '-'", { name: "-alpha" }, "name"],
    ["a name with '/'", { name: "a/b" }, "name"],
    ["a name with a newline", { name: "a\nb" }, "name"],
    ["a name of 101 characters", { name: "a".repeat(101) }, "name"],
    ["a numeric description", { name: "ok", description: 5 }, "description"],
    ["a description of 2001 characters", { name: "ok", description: "d".repeat(2001) }, "description"],
    ["a description with a NUL character", { name: "ok", description: "a\u0000b" }, "description"],
    ["a string for hidden", { name: "ok", hidden: "yes" }, "hidden"],
    ["an unknown field", { name: "ok", owner: "me" }, "owner"],
    ["a role list with an empty role", { name: "ok", accessRules: [["a", ""]] }, "accessRules"],
    ["a role list mixing lists and strings", { name: "ok", accessRules: [["a"], "b"] }, "accessRules"],
    ["access rules as a string", { name: "ok", accessRules: "a" }, "accessRules"],
    ["a role with a NUL character", { name: "ok", accessRules: [["a\u0000"]] }, "accessRules"],
  ])("refuses %s with 400 and field errors", async (_name, body, path) => {
    const res = await call(api.createWorkspace, { token: s.admin, ...(body === undefined ? {} : { rawBody: JSON.stringify(body) }) });
    const errors = expectFieldErrors(res);
    expect(errors.some((e) => e.path === path || e.path.startsWith(`${path}.`)), JSON.stringify(errors)).toBe(true);
  });
});

describe("GET /workspaces/{id}", () => {
  let s: Setup;
  let reader: string;
  let listed: { id: string; name: string };
  let secret: { id: string; name: string };

  beforeAll(async () => {
    s = await tenantWithAdmin();
    reader = (await testToken(s.operator, ["workspaces:read"])).token;
    listed = await createWs(s.admin, { name: uniqueName("listed"), description: "visible to all", accessRules: [["ops"]] });
    secret = await createWs(s.admin, { name: uniqueName("secret"), description: "hush", accessRules: [["ops"]], hidden: true });
  });

  it("returns the workspace with its version as ETag", async () => {
    const res = await call(api.getWorkspace, { token: s.admin, params: { id: listed.id } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.body).toMatchObject({ id: listed.id, access: "admin", accessRules: [["ops"]], version: 1 });
  });

  it("shows a listed workspace without access as id, name, description and access none only", async () => {
    const res = await call(api.getWorkspace, { token: reader, params: { id: listed.id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: listed.id, name: listed.name, description: "visible to all", access: "none" });
    expect(res.headers.get("etag")).toBeNull();
  });

  it("hides a hidden workspace the caller may not enter: 404", async () => {
    expectProblem(await call(api.getWorkspace, { token: reader, params: { id: secret.id } }), 404, "not_found");
    const list = await call(api.listWorkspaces, { token: reader });
    expect(list.body.items.map((w: { id: string }) => w.id)).not.toContain(secret.id);
  });

  it("shows a hidden workspace to a client whose roles match the rules", async () => {
    const { token } = await testToken(s.operator, ["workspaces:read"], ["ops"]);
    const res = await call(api.getWorkspace, { token, params: { id: secret.id } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: secret.id, access: "editor", hidden: true });
  });

  it("matches rule roles case-sensitively", async () => {
    const { token } = await testToken(s.operator, ["workspaces:read"], ["OPS", "Ops-admin"]);
    expectProblem(await call(api.getWorkspace, { token, params: { id: secret.id } }), 404, "not_found");
  });

  it("makes <role>-admin a workspace admin", async () => {
    const { token } = await testToken(s.operator, ["workspaces:read"], ["ops-admin"]);
    expect((await call(api.getWorkspace, { token, params: { id: secret.id } })).body.access).toBe("admin");
  });

  it.each([
    ["an unknown id", "5f0c8b55-7d8f-4a4e-9f3b-1d8e6e6c2a10"],
    ["an id that is not a UUID", "not-a-uuid"],
    ["an SQL-looking id", "' or 1=1 --"],
  ])("returns 404 for %s", async (_name, id) => {
    expectProblem(await call(api.getWorkspace, { token: s.admin, params: { id } }), 404, "not_found");
  });
});

describe("PATCH /workspaces/{id}", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await tenantWithAdmin();
  });

  it("updates with a matching If-Match and returns the new ETag", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const name = uniqueName("renamed");
    const res = await call(api.updateWorkspace, {
      token: s.admin,
      params: { id: ws.id },
      headers: { "if-match": '"1"' },
      body: { name, description: "new", accessRules: ["a", "b"], hidden: true },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get("etag")).toBe('"2"');
    expect(res.body).toMatchObject({ id: ws.id, name, description: "new", accessRules: [["a", "b"]], hidden: true, version: 2 });
    const got = await call(api.getWorkspace, { token: s.admin, params: { id: ws.id } });
    expect(got.headers.get("etag")).toBe('"2"');
    expect(got.body).toMatchObject({ name, description: "new", version: 2 });
  });

  it("accepts a weak ETag and an update without If-Match", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const weak = await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, headers: { "if-match": 'W/"1"' }, body: { description: "one" } });
    expect(weak.status).toBe(200);
    const blind = await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, body: { description: "two" } });
    expect(blind.status).toBe(200);
    expect(blind.body.version).toBe(3);
  });

  it("refuses a stale If-Match with 412 precondition_failed and changes nothing", async () => {
    const ws = await createWs(s.admin, { name: uniqueName(), description: "orig" });
    expect((await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, headers: { "if-match": '"1"' }, body: { description: "first" } })).status).toBe(200);
    const stale = await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, headers: { "if-match": '"1"' }, body: { description: "second" } });
    const problem = expectProblem(stale, 412, "precondition_failed");
    expect(problem.currentVersion).toBe(2);
    const got = await call(api.getWorkspace, { token: s.admin, params: { id: ws.id } });
    expect(got.body).toMatchObject({ description: "first", version: 2 });
  });

  it.each(["1", "*", '"abc"', '"1", "2"'])("refuses a malformed If-Match %j with 400", async (ifMatch) => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    expectProblem(await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, headers: { "if-match": ifMatch }, body: { description: "x" } }), 400, "invalid_if_match");
  });

  it("refuses a taken name with 409 name_taken", async () => {
    const taken = await createWs(s.admin, { name: uniqueName() });
    const ws = await createWs(s.admin, { name: uniqueName() });
    expectProblem(await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, body: { name: taken.name } }), 409, "name_taken");
  });

  it("refuses invalid JSON with 400", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    expectFieldErrors(await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, rawBody: "name=x" }), "invalid_json");
  });

  it.each<[string, unknown, string]>([
    ["an unknown field", { version: 7 }, "version"],
    ["an id in the body", { id: "5f0c8b55-7d8f-4a4e-9f3b-1d8e6e6c2a10" }, "id"],
    ["a numeric name", { name: 1 }, "name"],
    ["an invalid name", { name: "über" }, "name"],
    ["a null description", { description: null }, "description"],
    ["numeric access rules", { accessRules: [1, 2] }, "accessRules"],
    ["a string for hidden", { hidden: "false" }, "hidden"],
  ])("refuses %s with 400 and field errors", async (_name, body, path) => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const errors = expectFieldErrors(await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, body }));
    expect(errors.some((e) => e.path === path || e.path.startsWith(`${path}.`)), JSON.stringify(errors)).toBe(true);
  });

  it("403 for a member who may enter but not update; 404 for one who may not enter", async () => {
    const ws = await createWs(s.admin, { name: uniqueName(), accessRules: [["dev"]] });
    const editor = await testToken(s.operator, ["workspaces:read", "workspaces:write"], ["dev"]);
    expectProblem(await call(api.updateWorkspace, { token: editor.token, params: { id: ws.id }, body: { description: "x" } }), 403, "forbidden");
    const outsider = await testToken(s.operator, ["workspaces:read", "workspaces:write"], ["qa"]);
    expectProblem(await call(api.updateWorkspace, { token: outsider.token, params: { id: ws.id }, body: { description: "x" } }), 404, "not_found");
  });

  it("403 insufficient_scope for a workspaces:read token, even for a platform admin", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const { token } = await testToken(s.operator, ["workspaces:read"], ["sluice-admin"]);
    const problem = expectProblem(await call(api.updateWorkspace, { token, params: { id: ws.id }, body: { description: "x" } }), 403, "insufficient_scope");
    expect(problem.requiredScope).toBe("workspaces:write");
  });
});

describe("DELETE /workspaces/{id} (archive)", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await tenantWithAdmin();
  });

  it("archives: the workspace stays readable but can no longer be changed", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const res = await call(api.archiveWorkspace, { token: s.admin, params: { id: ws.id }, headers: { "if-match": '"1"' } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"2"');
    expect(res.body).toMatchObject({ id: ws.id, archived: true, version: 2 });
    const got = await call(api.getWorkspace, { token: s.admin, params: { id: ws.id } });
    expect(got.body).toMatchObject({ archived: true });
    expectProblem(await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, body: { description: "x" } }), 409, "workspace_archived");
    const user = await testUser(s.tenant.slug, s.operator);
    expectProblem(await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: user.subject, role: "viewer" } }), 409, "workspace_archived");
  });

  it("is idempotent", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    await call(api.archiveWorkspace, { token: s.admin, params: { id: ws.id } });
    const again = await call(api.archiveWorkspace, { token: s.admin, params: { id: ws.id } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ archived: true, version: 2 });
  });

  it("refuses a stale If-Match with 412", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    await call(api.updateWorkspace, { token: s.admin, params: { id: ws.id }, body: { description: "x" } });
    expectProblem(await call(api.archiveWorkspace, { token: s.admin, params: { id: ws.id }, headers: { "if-match": '"1"' } }), 412, "precondition_failed");
    expect((await call(api.getWorkspace, { token: s.admin, params: { id: ws.id } })).body.archived).toBe(false);
  });

  it("403 for an editor, 404 for a caller who may not enter", async () => {
    const ws = await createWs(s.admin, { name: uniqueName(), accessRules: [["dev"]] });
    const editor = await testToken(s.operator, ["workspaces:write"], ["dev"]);
    expectProblem(await call(api.archiveWorkspace, { token: editor.token, params: { id: ws.id } }), 403, "forbidden");
    const outsider = await testToken(s.operator, ["workspaces:write"]);
    expectProblem(await call(api.archiveWorkspace, { token: outsider.token, params: { id: ws.id } }), 404, "not_found");
  });
});

describe("workspace members", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await tenantWithAdmin("mem");
  });

  it("adds a user by e-mail and a client by client_id, lists, changes a role and removes", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const email = `Member-${randomBytes(3).toString("hex")}@Example.test`;
    const user = await testUser(s.tenant.slug, s.operator, { email: email.toLowerCase() });
    const bot = await testToken(s.operator, ["workspaces:read"]);

    const addUser = await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email, role: "editor" } });
    expect(addUser.status, JSON.stringify(addUser.body)).toBe(201);
    expect(addUser.body).toEqual({ kind: "user", id: user.id, subject: email.toLowerCase(), name: email.toLowerCase(), role: "editor", addedAt: expect.any(String) });

    const addClient = await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { clientId: bot.client.clientId, role: "viewer" } });
    expect(addClient.status).toBe(201);
    expect(addClient.body).toEqual({ kind: "client", id: bot.client.id, subject: bot.client.clientId, name: bot.client.name, role: "viewer", addedAt: expect.any(String) });

    const list = await call(api.listMembers, { token: s.admin, params: { id: ws.id } });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([addUser.body, addClient.body]);

    const changed = await call(api.changeMember, { token: s.admin, params: { id: ws.id, kind: "client", memberId: bot.client.id }, body: { role: "editor" } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ kind: "client", id: bot.client.id, role: "editor" });

    const removed = await call(api.removeMember, { token: s.admin, params: { id: ws.id, kind: "user", memberId: user.id } });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe("");
    const after = await call(api.listMembers, { token: s.admin, params: { id: ws.id } });
    expect(after.body.items.map((m: { id: string; role: string }) => [m.id, m.role])).toEqual([[bot.client.id, "editor"]]);
  });

  it("membership gives a client access: a viewer reads a hidden workspace but may not change it", async () => {
    const ws = await createWs(s.admin, { name: uniqueName(), hidden: true });
    const bot = await testToken(s.operator, ["workspaces:read", "workspaces:write"]);
    expectProblem(await call(api.getWorkspace, { token: bot.token, params: { id: ws.id } }), 404, "not_found");
    await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { clientId: bot.client.clientId, role: "viewer" } });
    const got = await call(api.getWorkspace, { token: bot.token, params: { id: ws.id } });
    expect(got.body).toMatchObject({ id: ws.id, access: "viewer" });
    expect((await call(api.listMembers, { token: bot.token, params: { id: ws.id } })).status).toBe(200);
    expectProblem(await call(api.updateWorkspace, { token: bot.token, params: { id: ws.id }, body: { description: "x" } }), 403, "forbidden");
    expectProblem(await call(api.addMember, { token: bot.token, params: { id: ws.id }, body: { clientId: bot.client.clientId, role: "admin" } }), 403, "forbidden");
    // an admin member may manage the workspace
    await call(api.changeMember, { token: s.admin, params: { id: ws.id, kind: "client", memberId: bot.client.id }, body: { role: "admin" } });
    expect((await call(api.updateWorkspace, { token: bot.token, params: { id: ws.id }, body: { description: "x" } })).status).toBe(200);
  });

  it("refuses a second membership with 409 already_member", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const user = await testUser(s.tenant.slug, s.operator);
    await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: user.subject, role: "viewer" } });
    expectProblem(await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: user.subject, role: "admin" } }), 409, "already_member");
  });

  it("finds no users or clients of other tenants, nor revoked clients", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const other = await tenantWithAdmin();
    const stranger = await testUser(other.tenant.slug, other.operator);
    const strangeBot = await testToken(other.operator, ["workspaces:read"]);
    const revoked = await testToken(s.operator, ["workspaces:read"]);
    await revokeClient(s.operator, { id: revoked.client.id });

    const byMail = expectProblem(await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: stranger.subject, role: "viewer" } }), 404, "user_not_found");
    expect(byMail.errors).toEqual([{ path: "email", message: expect.any(String) }]);
    const unknown = await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: "nobody@example.test", role: "viewer" } });
    expectProblem(unknown, 404, "user_not_found");
    const byClient = expectProblem(await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { clientId: strangeBot.client.clientId, role: "viewer" } }), 404, "client_not_found");
    expect(byClient.errors).toEqual([{ path: "clientId", message: expect.any(String) }]);
    expectProblem(await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { clientId: revoked.client.clientId, role: "viewer" } }), 404, "client_not_found");
    expect((await call(api.listMembers, { token: s.admin, params: { id: ws.id } })).body.items).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ["neither e-mail nor client", { role: "viewer" }, "email"],
    ["both e-mail and client", { email: "a@example.test", clientId: "sl_x", role: "viewer" }, "email"],
    ["an invalid e-mail", { email: "not-an-email", role: "viewer" }, "email"],
    ["an unknown role", { email: "a@example.test", role: "owner" }, "role"],
    ["a missing role", { email: "a@example.test" }, "role"],
    ["an unknown field", { email: "a@example.test", role: "viewer", note: "x" }, "note"],
    ["a numeric client id", { clientId: 42, role: "viewer" }, "clientId"],
  ])("refuses to add with %s: 400", async (_name, body, path) => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const errors = expectFieldErrors(await call(api.addMember, { token: s.admin, params: { id: ws.id }, body }));
    expect(errors.map((e) => e.path)).toContain(path);
  });

  it("refuses bad member references and role changes", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const user = await testUser(s.tenant.slug, s.operator);
    await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: user.subject, role: "viewer" } });
    const ref = (kind: string, memberId: string) => ({ id: ws.id, kind, memberId });
    expect(expectFieldErrors(await call(api.changeMember, { token: s.admin, params: ref("group", user.id), body: { role: "editor" } })).map((e) => e.path)).toContain("params.kind");
    expectProblem(await call(api.changeMember, { token: s.admin, params: ref("client", user.id), body: { role: "editor" } }), 404, "not_found");
    expectProblem(await call(api.changeMember, { token: s.admin, params: ref("user", "nope"), body: { role: "editor" } }), 404, "not_found");
    expectProblem(await call(api.removeMember, { token: s.admin, params: ref("user", "5f0c8b55-7d8f-4a4e-9f3b-1d8e6e6c2a10") }), 404, "not_found");
    expect(expectFieldErrors(await call(api.changeMember, { token: s.admin, params: ref("user", user.id), body: { role: "root" } })).map((e) => e.path)).toContain("role");
    expect(expectFieldErrors(await call(api.changeMember, { token: s.admin, params: ref("user", user.id), body: { role: "editor", kind: "user" } })).map((e) => e.path)).toContain("kind");
    expectFieldErrors(await call(api.changeMember, { token: s.admin, params: ref("user", user.id), rawBody: "{role: editor}" }), "invalid_json");
  });

  it("keeps at least one admin member: 409 last_admin", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const first = await testUser(s.tenant.slug, s.operator);
    const bot = await testToken(s.operator, ["workspaces:read"]);
    await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: first.subject, role: "admin" } });
    const firstRef = { id: ws.id, kind: "user", memberId: first.id };

    expectProblem(await call(api.changeMember, { token: s.admin, params: firstRef, body: { role: "editor" } }), 409, "last_admin");
    expectProblem(await call(api.removeMember, { token: s.admin, params: firstRef }), 409, "last_admin");
    // keeping the role is no change of admins
    expect((await call(api.changeMember, { token: s.admin, params: firstRef, body: { role: "admin" } })).status).toBe(200);

    await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { clientId: bot.client.clientId, role: "admin" } });
    expect((await call(api.changeMember, { token: s.admin, params: firstRef, body: { role: "viewer" } })).status).toBe(200);
    expect((await call(api.removeMember, { token: s.admin, params: firstRef })).status).toBe(204);
    const botRef = { id: ws.id, kind: "client", memberId: bot.client.id };
    expectProblem(await call(api.removeMember, { token: s.admin, params: botRef }), 409, "last_admin");
    const members = await call(api.listMembers, { token: s.admin, params: { id: ws.id } });
    expect(members.body.items.map((m: { id: string; role: string }) => [m.id, m.role])).toEqual([[bot.client.id, "admin"]]);
  });

  it("lets non-admin members be removed freely", async () => {
    const ws = await createWs(s.admin, { name: uniqueName() });
    const user = await testUser(s.tenant.slug, s.operator);
    await call(api.addMember, { token: s.admin, params: { id: ws.id }, body: { email: user.subject, role: "viewer" } });
    expect((await call(api.removeMember, { token: s.admin, params: { id: ws.id, kind: "user", memberId: user.id } })).status).toBe(204);
  });

  it("404 for members of a workspace the caller may not enter", async () => {
    const ws = await createWs(s.admin, { name: uniqueName(), accessRules: [["ops"]] });
    const outsider = await testToken(s.operator, ["workspaces:read", "workspaces:write"]);
    expectProblem(await call(api.listMembers, { token: outsider.token, params: { id: ws.id } }), 404, "not_found");
    expectProblem(await call(api.addMember, { token: outsider.token, params: { id: ws.id }, body: { clientId: outsider.client.clientId, role: "admin" } }), 404, "not_found");
  });
});

describe("tenant isolation: every object route answers 404 for another tenant's objects", () => {
  let a: Setup;
  let b: Setup;
  let wsId: string;
  let userId: string;
  let userEmail: string;
  let bClientId: string;

  beforeAll(async () => {
    a = await tenantWithAdmin("iso-a");
    b = await tenantWithAdmin("iso-b");
    const ws = await createWs(a.admin, { name: uniqueName() });
    wsId = ws.id;
    const user = await testUser(a.tenant.slug, a.operator);
    userId = user.id;
    userEmail = user.subject;
    await call(api.addMember, { token: a.admin, params: { id: wsId }, body: { email: userEmail, role: "admin" } });
    bClientId = b.adminClient.clientId;
  });

  const routes: [string, () => Parameters<typeof call>][] = [
    ["GET /workspaces/{id}", () => [api.getWorkspace, { token: b.admin, params: { id: wsId } }]],
    ["PATCH /workspaces/{id}", () => [api.updateWorkspace, { token: b.admin, params: { id: wsId }, body: { description: "pwned" } }]],
    ["PATCH /workspaces/{id} with If-Match", () => [api.updateWorkspace, { token: b.admin, params: { id: wsId }, headers: { "if-match": '"1"' }, body: { description: "pwned" } }]],
    ["DELETE /workspaces/{id}", () => [api.archiveWorkspace, { token: b.admin, params: { id: wsId } }]],
    ["GET /workspaces/{id}/members", () => [api.listMembers, { token: b.admin, params: { id: wsId } }]],
    ["POST /workspaces/{id}/members (own client)", () => [api.addMember, { token: b.admin, params: { id: wsId }, body: { clientId: bClientId, role: "admin" } }]],
    ["POST /workspaces/{id}/members (their user)", () => [api.addMember, { token: b.admin, params: { id: wsId }, body: { email: userEmail, role: "admin" } }]],
    ["PATCH /workspaces/{id}/members/{kind}/{memberId}", () => [api.changeMember, { token: b.admin, params: { id: wsId, kind: "user", memberId: userId }, body: { role: "viewer" } }]],
    ["DELETE /workspaces/{id}/members/{kind}/{memberId}", () => [api.removeMember, { token: b.admin, params: { id: wsId, kind: "user", memberId: userId } }]],
  ];

  it.each(routes)("%s", async (_name, request) => {
    const problem = expectProblem(await call(...request()), 404, "not_found");
    expect(problem.title).not.toContain(wsId);
  });

  it("left tenant A's workspace untouched", async () => {
    const got = await call(api.getWorkspace, { token: a.admin, params: { id: wsId } });
    expect(got.body).toMatchObject({ version: 1, description: "", archived: false });
    const members = await call(api.listMembers, { token: a.admin, params: { id: wsId } });
    expect(members.body.items.map((m: { id: string; role: string }) => [m.id, m.role])).toEqual([[userId, "admin"]]);
  });
});
