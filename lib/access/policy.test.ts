import { afterEach, describe, expect, it, vi } from "vitest";
import type { WorkspaceRole } from "@/db/schema";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { EXPLICIT_SCOPE_ACTIONS, TENANT_ACTIONS, WORKSPACE_ACTIONS, WORKSPACE_ROLE_ACTIONS, type Action } from "./actions";
import { adminRole, authorize, can, isPlatformAdmin, workspaceAccess, workspaceVisible, type WorkspaceAccess, type WorkspaceGuard } from "./policy";
import { accessRulesInput, normalizeRules, roleFromRules } from "./rules";

const TENANT = "11111111-1111-4111-8111-111111111111";
const OTHER_TENANT = "22222222-2222-4222-8222-222222222222";

function principal(options: { roles?: string[]; scopes?: string[]; tenantId?: string; kind?: Principal["kind"] } = {}): Principal {
  return {
    kind: options.kind ?? "client",
    id: "33333333-3333-4333-8333-333333333333",
    subject: "sl_test",
    name: "test",
    tenantId: options.tenantId ?? TENANT,
    tenantSlug: "t",
    roles: options.roles ?? [],
    groups: [],
    scopes: options.scopes ?? [ALL_SCOPES_MARKER],
  };
}

function ws(options: { rules?: string[][]; hidden?: boolean; memberRole?: WorkspaceRole | null; tenantId?: string } = {}): WorkspaceGuard {
  return { tenantId: options.tenantId ?? TENANT, accessRules: options.rules ?? [], hidden: options.hidden ?? false, memberRole: options.memberRole ?? null };
}

function thrown(run: () => void): AppError | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  return undefined;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("normalizeRules", () => {
  it.each<[string, string[] | string[][], string[][]]>([
    ["a flat list is one list", ["a", "b"], [["a", "b"]]],
    ["a list of lists stays as it is", [["a"], ["b", "c"]], [["a"], ["b", "c"]]],
    ["an empty rule list stays empty", [], []],
    ["a rule list of one empty list becomes empty", [[]], []],
    ["empty lists are dropped among others", [[], ["a"], []], [["a"]]],
    ["duplicate roles inside a list are merged", ["a", "a", "b"], [["a", "b"]]],
    ["duplicate lists are merged, first wins", [["a", "b"], ["b", "a"], ["c"]], [["a", "b"], ["c"]]],
    ["roles differing in case are different roles", ["Dev", "dev"], [["Dev", "dev"]]],
    ["lists differing in case are different lists", [["Dev"], ["dev"]], [["Dev"], ["dev"]]],
  ])("%s", (_name, input, expected) => {
    expect(normalizeRules(input)).toEqual(expected);
  });

  it.each<[string, unknown, string[][]]>([
    ["flat", ["a", "b"], [["a", "b"]]],
    ["nested", [["a"], ["b", "c"]], [["a"], ["b", "c"]]],
    ["trims role names", [[" a ", "b "]], [["a", "b"]]],
    ["deduplicates after trimming", [["a", " a"]], [["a"]]],
  ])("accessRulesInput accepts %s", (_name, input, expected) => {
    expect(accessRulesInput.parse(input)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ["an empty role name", [["a", ""]]],
    ["a blank role name", ["  "]],
    ["a mix of strings and lists", [["a"], "b"]],
    ["a number", [[1]]],
    ["an object", { a: ["b"] }],
    ["a string", "a"],
    ["null", null],
  ])("accessRulesInput rejects %s", (_name, input) => {
    expect(accessRulesInput.safeParse(input).success).toBe(false);
  });
});

describe("roleFromRules", () => {
  it.each<[string, string[][], string[], WorkspaceRole | null]>([
    // ALL roles of ANY list
    ["all roles of the only list", [["a", "b"]], ["a", "b"], "editor"],
    ["all roles of the only list plus others", [["a", "b"]], ["x", "b", "a"], "editor"],
    ["one role of a two-role list is not enough", [["a", "b"]], ["a"], null],
    ["the single-role list of several", [["a"], ["b", "c"]], ["a"], "editor"],
    ["the two-role list of several", [["a"], ["b", "c"]], ["b", "c"], "editor"],
    ["one role of each list is not enough", [["a", "b"], ["c", "d"]], ["a", "c"], null],
    ["roles are not combined across lists", [["a", "b"], ["b", "c"]], ["b"], null],
    ["no roles at all", [["a"]], [], null],
    // <role>-admin
    ["<role>-admin for every role of a list is admin", [["a", "b"]], ["a-admin", "b-admin"], "admin"],
    ["<role>-admin for a one-role list is admin", [["a"], ["b", "c"]], ["a-admin"], "admin"],
    ["<role>-admin for every role of the second list is admin", [["a"], ["b", "c"]], ["b-admin", "c-admin"], "admin"],
    ["admin beats plain membership of another list", [["a"], ["b"]], ["a", "b-admin"], "admin"],
    ["partial admin with the plain roles is only editor", [["a", "b"]], ["a", "b", "a-admin"], "editor"],
    ["partial admin without the other plain role is nothing", [["a", "b"]], ["a-admin", "b"], null],
    ["admin roles are not combined across lists", [["a", "b"], ["c", "d"]], ["a-admin", "c-admin", "b", "d"], null],
    ["the admin suffix is exact", [["a"]], ["a-Admin", "aadmin", "a_admin", "admin-a"], null],
    // empty rules admit nobody
    ["an empty rule list admits nobody", [], ["a", "sluice-admin", ""], null],
    ["a rule of one empty list admits nobody", [[]], ["a", "-admin", ""], null],
    ["an empty list among others admits nobody by itself", [[], ["a"]], ["b", "-admin"], null],
    ["an empty list among others still lets the other list in", [[], ["a"]], ["a"], "editor"],
    // duplicates
    ["duplicate roles in the rules", [["a", "a"]], ["a"], "editor"],
    ["duplicate roles held", [["a", "b"]], ["a", "a", "b", "b"], "editor"],
    ["duplicate admin roles held", [["a"]], ["a-admin", "a-admin"], "admin"],
    // case-sensitive
    ["'Dev' does not match 'dev'", [["Dev"]], ["dev"], null],
    ["'dev' does not match 'Dev'", [["dev"]], ["Dev"], null],
    ["'Dev' matches 'Dev'", [["Dev"]], ["Dev"], "editor"],
    ["'Dev-admin' is admin of 'Dev'", [["Dev"]], ["Dev-admin"], "admin"],
    ["'dev-admin' is not admin of 'Dev'", [["Dev"]], ["dev-admin"], null],
    ["'DEV' does not match 'Dev' among others", [["Dev", "ops"]], ["DEV", "ops"], null],
  ])("%s", (_name, rules, roles, expected) => {
    expect(roleFromRules(rules, roles)).toBe(expected);
  });

  it("reads flat rules once normalized", () => {
    expect(roleFromRules(normalizeRules(["a", "b"]), ["a", "b"])).toBe("editor");
    expect(roleFromRules(normalizeRules(["a", "b"]), ["a"])).toBeNull();
  });
});

describe("workspaceAccess", () => {
  it.each<[string, Principal, WorkspaceGuard, WorkspaceAccess]>([
    ["nothing: none", principal(), ws({ rules: [["a"]] }), "none"],
    ["membership only", principal(), ws({ memberRole: "viewer" }), "viewer"],
    ["rules only", principal({ roles: ["a"] }), ws({ rules: [["a"]] }), "editor"],
    ["admin rules only", principal({ roles: ["a-admin"] }), ws({ rules: [["a"]] }), "admin"],
    ["viewer membership + editor rules: editor", principal({ roles: ["a"] }), ws({ rules: [["a"]], memberRole: "viewer" }), "editor"],
    ["admin membership + editor rules: admin", principal({ roles: ["a"] }), ws({ rules: [["a"]], memberRole: "admin" }), "admin"],
    ["editor membership + admin rules: admin", principal({ roles: ["a-admin"] }), ws({ rules: [["a"]], memberRole: "editor" }), "admin"],
    ["editor membership + non-matching rules: editor", principal({ roles: ["b"] }), ws({ rules: [["a"]], memberRole: "editor" }), "editor"],
    ["platform admin in own tenant: admin", principal({ roles: ["sluice-admin"] }), ws({ hidden: true }), "admin"],
    ["platform admin + viewer membership: admin", principal({ roles: ["sluice-admin"] }), ws({ memberRole: "viewer" }), "admin"],
    ["platform admin across tenants: none", principal({ roles: ["sluice-admin"] }), ws({ tenantId: OTHER_TENANT }), "none"],
    ["matching rules across tenants: none", principal({ roles: ["a-admin", "a"] }), ws({ rules: [["a"]], tenantId: OTHER_TENANT }), "none"],
    ["membership across tenants: none", principal(), ws({ memberRole: "admin", tenantId: OTHER_TENANT }), "none"],
    ["empty rules admit nobody", principal({ roles: ["a", "a-admin"] }), ws({ rules: [] }), "none"],
    ["a rule of one empty list admits nobody", principal({ roles: ["a", "-admin"] }), ws({ rules: [[]] }), "none"],
    ["role names are case-sensitive", principal({ roles: ["dev", "DEV-admin"] }), ws({ rules: [["Dev"]] }), "none"],
    ["the admin role name is case-sensitive", principal({ roles: ["Sluice-Admin"] }), ws(), "none"],
  ])("%s", (_name, p, target, expected) => {
    expect(workspaceAccess(p, target)).toBe(expected);
  });

  it("honours SLUICE_ADMIN_ROLE", () => {
    expect(adminRole()).toBe("sluice-admin");
    vi.stubEnv("SLUICE_ADMIN_ROLE", "platform-ops");
    expect(adminRole()).toBe("platform-ops");
    expect(isPlatformAdmin(principal({ roles: ["platform-ops"] }))).toBe(true);
    expect(workspaceAccess(principal({ roles: ["platform-ops"] }), ws({ hidden: true }))).toBe("admin");
    expect(workspaceAccess(principal({ roles: ["platform-ops"] }), ws({ tenantId: OTHER_TENANT }))).toBe("none");
    // the default name is an ordinary role once another is configured
    expect(workspaceAccess(principal({ roles: ["sluice-admin"] }), ws())).toBe("none");
    expect(can(principal({ roles: ["sluice-admin"] }), "client.manage", { tenantId: TENANT })).toBe(false);
  });
});

describe("workspaceVisible", () => {
  it.each<[string, Principal, WorkspaceGuard, boolean]>([
    ["a listed workspace without access", principal(), ws({ rules: [["a"]] }), true],
    ["a listed workspace with access", principal({ roles: ["a"] }), ws({ rules: [["a"]] }), true],
    ["a hidden workspace without access", principal({ roles: ["b"] }), ws({ rules: [["a"]], hidden: true }), false],
    ["a hidden workspace with empty rules", principal({ roles: ["a"] }), ws({ rules: [], hidden: true }), false],
    ["a hidden workspace by rules", principal({ roles: ["a"] }), ws({ rules: [["a"]], hidden: true }), true],
    ["a hidden workspace by membership", principal(), ws({ hidden: true, memberRole: "viewer" }), true],
    ["a hidden workspace for a platform admin", principal({ roles: ["sluice-admin"] }), ws({ hidden: true }), true],
    ["a hidden workspace with a role of other case", principal({ roles: ["A"] }), ws({ rules: [["a"]], hidden: true }), false],
    ["a listed workspace of another tenant", principal(), ws({ tenantId: OTHER_TENANT }), false],
    ["a listed workspace of another tenant for its platform admin", principal({ roles: ["sluice-admin"] }), ws({ tenantId: OTHER_TENANT }), false],
  ])("%s: %s", (_name, p, target, expected) => {
    expect(workspaceVisible(p, target)).toBe(expected);
  });
});

describe("can", () => {
  const admin = (scopes: string[]) => principal({ roles: ["sluice-admin"], scopes });

  it.each<[string, Principal, Action, { tenantId: string } | WorkspaceGuard, boolean]>([
    // scope table: the token's scope limits even an admin
    ["workspaces:read admin may read", admin(["workspaces:read"]), "workspace.read", ws(), true],
    ["workspaces:read admin may list members", admin(["workspaces:read"]), "member.read", ws(), true],
    ["workspaces:read admin may not update", admin(["workspaces:read"]), "workspace.update", ws(), false],
    ["workspaces:read admin may not archive", admin(["workspaces:read"]), "workspace.archive", ws(), false],
    ["workspaces:read admin may not manage members", admin(["workspaces:read"]), "member.manage", ws(), false],
    ["workspaces:read admin may not create", admin(["workspaces:read"]), "workspace.create", { tenantId: TENANT }, false],
    ["workspaces:write admin may update", admin(["workspaces:write"]), "workspace.update", ws(), true],
    ["workspaces:write alone does not read", admin(["workspaces:write"]), "workspace.read", ws(), false],
    ["workflows:read does not read the workspace", admin(["workflows:read"]), "workspace.read", ws(), false],
    ["workflows:write writes workflows", admin(["workflows:write"]), "workflow.write", ws(), true],
    ["clients:read reads clients", admin(["clients:read"]), "client.read", { tenantId: TENANT }, true],
    ["clients:read does not manage clients", admin(["clients:read"]), "client.manage", { tenantId: TENANT }, false],
    ["clients:write reads and manages clients", admin(["clients:write"]), "client.read", { tenantId: TENANT }, true],
    ["audit:read reads the audit log", admin(["audit:read"]), "audit.read", { tenantId: TENANT }, true],
    ["an unknown scope allows nothing", admin(["workspaces:admin"]), "workspace.read", ws(), false],
    ["no scopes allow nothing", admin([]), "workspace.list", { tenantId: TENANT }, false],
    ["the all-scopes marker allows by role", admin([ALL_SCOPES_MARKER]), "workspace.update", ws(), true],
    // role table
    ["viewer reads", principal({ scopes: [ALL_SCOPES_MARKER] }), "workspace.read", ws({ memberRole: "viewer" }), true],
    ["viewer does not write workflows", principal(), "workflow.write", ws({ memberRole: "viewer" }), false],
    ["editor writes workflows", principal(), "workflow.write", ws({ memberRole: "editor" }), true],
    ["editor does not update the workspace", principal(), "workspace.update", ws({ memberRole: "editor" }), false],
    ["editor by rules does not manage members", principal({ roles: ["a"] }), "member.manage", ws({ rules: [["a"]] }), false],
    ["admin by rules manages members", principal({ roles: ["a-admin"] }), "member.manage", ws({ rules: [["a"]] }), true],
    ["no access: not even read", principal(), "workspace.read", ws({ rules: [["a"]] }), false],
    // tenant actions
    ["anyone of the tenant lists workspaces", principal({ scopes: ["workspaces:read"] }), "workspace.list", { tenantId: TENANT }, true],
    ["a non-admin does not create workspaces", principal(), "workspace.create", { tenantId: TENANT }, false],
    ["a non-admin does not read clients", principal(), "client.read", { tenantId: TENANT }, false],
    ["a non-admin does not read the audit log", principal(), "audit.read", { tenantId: TENANT }, false],
    ["a platform admin manages users", admin([ALL_SCOPES_MARKER]), "user.manage", { tenantId: TENANT }, true],
    // tenants
    ["nobody lists workspaces of another tenant", admin([ALL_SCOPES_MARKER]), "workspace.list", { tenantId: OTHER_TENANT }, false],
    ["a platform admin does not read another tenant's workspace", admin([ALL_SCOPES_MARKER]), "workspace.read", ws({ tenantId: OTHER_TENANT }), false],
    ["a member role does not cross tenants", principal(), "workspace.read", ws({ memberRole: "admin", tenantId: OTHER_TENANT }), false],
  ])("%s", (_name, p, action, target, expected) => {
    expect(can(p, action, target)).toBe(expected);
  });

  const byScopes = (action: Action) => !EXPLICIT_SCOPE_ACTIONS.includes(action);

  it.each(["viewer", "editor", "admin"] as const)("a %s member may do exactly its role's workspace actions (those its scopes must name, only with them)", (role) => {
    const allowed = WORKSPACE_ACTIONS.filter((action) => can(principal(), action, ws({ memberRole: role })));
    const expected = [...WORKSPACE_ROLE_ACTIONS[role]].sort((a, b) => WORKSPACE_ACTIONS.indexOf(a) - WORKSPACE_ACTIONS.indexOf(b));
    expect(allowed).toEqual(expected.filter(byScopes));
    const named = WORKSPACE_ACTIONS.filter((action) => can(principal({ scopes: ["secrets:reveal"] }), action, ws({ memberRole: role })));
    expect(named).toEqual(expected.filter((action) => !byScopes(action)));
  });

  it("roles nest: viewer ⊂ editor ⊂ admin", () => {
    for (const action of WORKSPACE_ROLE_ACTIONS.viewer) expect(WORKSPACE_ROLE_ACTIONS.editor).toContain(action);
    for (const action of WORKSPACE_ROLE_ACTIONS.editor) expect(WORKSPACE_ROLE_ACTIONS.admin).toContain(action);
  });

  it("a platform admin with every scope may do every action in its tenant and none elsewhere", () => {
    const p = admin([ALL_SCOPES_MARKER]);
    for (const action of TENANT_ACTIONS) {
      expect(can(p, action, { tenantId: TENANT })).toBe(true);
      expect(can(p, action, { tenantId: OTHER_TENANT })).toBe(false);
    }
    for (const action of WORKSPACE_ACTIONS) {
      expect(can(p, action, ws({ hidden: true }))).toBe(byScopes(action));
      expect(can(p, action, ws({ tenantId: OTHER_TENANT }))).toBe(false);
    }
  });
});

describe("authorize", () => {
  type Expectation = null | { status: 403 | 404; code: string; message?: RegExp };
  const allowed = null;
  const notFound = { status: 404 as const, code: "not_found" };
  const forbiddenByRole = { status: 403 as const, code: "forbidden", message: /role/ };
  const forbiddenByScope = { status: 403 as const, code: "forbidden", message: /scope/ };

  it.each<[string, Principal, Action, { tenantId: string } | WorkspaceGuard, Expectation]>([
    ["allowed: admin member updates", principal(), "workspace.update", ws({ memberRole: "admin" }), allowed],
    ["allowed: viewer reads a hidden workspace it belongs to", principal(), "workspace.read", ws({ hidden: true, memberRole: "viewer" }), allowed],
    ["404: another tenant's workspace", principal({ roles: ["sluice-admin"] }), "workspace.read", ws({ tenantId: OTHER_TENANT }), notFound],
    ["404: another tenant, even with a matching role", principal({ roles: ["a-admin"] }), "workspace.update", ws({ rules: [["a"]], tenantId: OTHER_TENANT }), notFound],
    ["404: a tenant action in another tenant", principal({ roles: ["sluice-admin"] }), "client.read", { tenantId: OTHER_TENANT }, notFound],
    ["404: a listed workspace it may not enter", principal({ roles: ["b"] }), "workspace.read", ws({ rules: [["a"]] }), notFound],
    ["404: a hidden workspace it may not enter", principal({ roles: ["b"] }), "workspace.update", ws({ rules: [["a"]], hidden: true }), notFound],
    ["404: no access and no scope either", principal({ scopes: ["audit:read"] }), "workspace.update", ws({ rules: [["a"]] }), notFound],
    ["404: empty rules admit nobody", principal({ roles: ["a"] }), "workspace.read", ws({ rules: [[]] }), notFound],
    ["404: case differs", principal({ roles: ["dev"] }), "workspace.read", ws({ rules: [["Dev"]] }), notFound],
    ["403: viewer may enter but not update", principal(), "workspace.update", ws({ memberRole: "viewer" }), forbiddenByRole],
    ["403: editor by rules may not manage members", principal({ roles: ["a"] }), "member.manage", ws({ rules: [["a"]] }), forbiddenByRole],
    ["403: partial admin may not archive", principal({ roles: ["a", "b", "a-admin"] }), "workspace.archive", ws({ rules: [["a", "b"]] }), forbiddenByRole],
    ["403: workspaces:read admin may not update", principal({ roles: ["sluice-admin"], scopes: ["workspaces:read"] }), "workspace.update", ws(), forbiddenByScope],
    ["403: admin member without scope", principal({ scopes: ["workspaces:read"] }), "member.manage", ws({ memberRole: "admin" }), forbiddenByScope],
    ["403: a non-admin manages clients", principal(), "client.manage", { tenantId: TENANT }, forbiddenByRole],
    ["403: an admin without the clients scope", principal({ roles: ["sluice-admin"], scopes: ["clients:read"] }), "client.manage", { tenantId: TENANT }, forbiddenByScope],
  ])("%s", (_name, p, action, target, expected) => {
    const error = thrown(() => authorize(p, action, target));
    if (expected === null) {
      expect(error).toBeUndefined();
      return;
    }
    expect(error, "authorize should throw").toBeDefined();
    expect(error!.status).toBe(expected.status);
    expect(error!.code).toBe(expected.code);
    if (expected.message) expect(error!.message).toMatch(expected.message);
  });

  it("names what was not found", () => {
    const error = thrown(() => authorize(principal(), "member.read", ws({ tenantId: OTHER_TENANT }), "member"));
    expect(error?.message).toBe("The member does not exist.");
  });

  it("agrees with can() on every action", () => {
    const principals = [principal(), principal({ roles: ["a"] }), principal({ roles: ["sluice-admin"], scopes: ["workspaces:read"] }), principal({ roles: ["a-admin"] })];
    const targets = [ws({ rules: [["a"]] }), ws({ rules: [["a"]], hidden: true }), ws({ memberRole: "viewer" }), ws({ tenantId: OTHER_TENANT })];
    for (const p of principals) {
      for (const target of targets) {
        for (const action of WORKSPACE_ACTIONS) {
          expect(thrown(() => authorize(p, action, target)) === undefined).toBe(can(p, action, target));
        }
      }
    }
  });
});
