import { describe, expect, it } from "vitest";
import { testTenant, testToken } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { createWorkspace, listWorkspaces } from "./endpoints";

describe("workspaces API smoke", () => {
  it("creates and lists with a client token", async () => {
    const { operator } = await testTenant();
    const { token } = await testToken(operator, ["workspaces:read", "workspaces:write"], ["sluice-admin"]);
    const created = await call(createWorkspace, { token, body: { name: "alpha", accessRules: ["a", "b"] } });
    expect(created.status).toBe(201);
    expect(created.body.accessRules).toEqual([["a", "b"]]);
    const list = await call(listWorkspaces, { token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items.map((w: { name: string }) => w.name)).toEqual(["alpha"]);
  });
});
