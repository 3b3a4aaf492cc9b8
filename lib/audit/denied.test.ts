import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import * as workspacesApi from "@/lib/workspaces/endpoints";

async function deniedEvents(tenantId: string) {
  const db = await database();
  return db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, "access.denied")));
}

describe("writes refused by the policy are audited", () => {
  it("records who tried what, and not reads", async () => {
    const { tenant, operator } = await testTenant("denied");
    const admin = await testToken(operator, ["workspaces:read", "workspaces:write"], ["sluice-admin"]);
    const ws = (await call(workspacesApi.createWorkspace, { token: admin.token, body: { name: "guarded", accessRules: [["readers"]], hidden: true } })).body;
    const reader = await testToken(operator, ["workspaces:read", "workspaces:write"], ["readers"]);
    const noRole = await testToken(operator, ["workspaces:read", "workspaces:write"]);

    expect((await call(workspacesApi.updateWorkspace, { token: reader.token, params: { id: ws.id }, body: { description: "mine now" } })).status).toBe(403);
    expect((await call(workspacesApi.createWorkspace, { token: noRole.token, body: { name: "nope" } })).status).toBe(403);
    expect((await call(workspacesApi.archiveWorkspace, { token: noRole.token, params: { id: ws.id } })).status).toBe(404);
    expect((await call(workspacesApi.getWorkspace, { token: noRole.token, params: { id: ws.id } })).status).toBe(404);

    await vi.waitFor(async () => expect(await deniedEvents(tenant.id)).toHaveLength(3), { timeout: 5_000 });
    // written in the background, so not necessarily in the order of the requests
    const actionOf = (e: { after: unknown }) => (e.after as { action: string }).action;
    const events = (await deniedEvents(tenant.id)).sort((a, b) => actionOf(a).localeCompare(actionOf(b)));
    expect(events.map((e) => [e.actorId, e.targetType, actionOf(e), (e.after as { status: number }).status])).toEqual([
      [noRole.client.id, "workspace", "workspace.archive", 404],
      [noRole.client.id, "tenant", "workspace.create", 403],
      [reader.client.id, "workspace", "workspace.update", 403],
    ]);
    expect(events[2].workspaceId).toBe(ws.id);
  });
});
