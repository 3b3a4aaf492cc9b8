import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { auditEvents, users } from "@/db/schema";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import type { Principal } from "@/lib/auth/principal";
import { addMember, createWorkspace } from "@/lib/workspaces/service";
import { signInExternalUser, type ExternalIdentity } from "./external";

const ISSUER = "https://idp.example.test";
let tenant: { id: string; slug: string };
let admin: Principal;

beforeAll(async () => {
  const t = await testTenant("ext-id");
  tenant = t.tenant;
  admin = await testUser(tenant.slug, t.operator, { admin: true, email: `admin-${randomBytes(3).toString("hex")}@example.test` });
  const ws = await createWorkspace(admin, { name: "admins-only", accessRules: [] });
  await addMember(admin, { workspaceId: ws.id, email: admin.subject, role: "admin" }).catch(() => undefined);
});
afterEach(() => {
  delete process.env.AUTH_LINK_EMAIL_ISSUERS;
});

const identity = (overrides: Partial<ExternalIdentity> = {}): ExternalIdentity => ({
  tenantId: tenant.id,
  tenantSlug: tenant.slug,
  issuer: ISSUER,
  subject: `sub-${randomBytes(4).toString("hex")}`,
  email: "",
  emailVerified: false,
  name: "",
  roles: [],
  groups: [],
  ...overrides,
});

async function auditActions(userId: string) {
  const db = await database();
  const rows = await db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.targetId, userId)));
  return rows.map((r) => r.action);
}

describe("external identities are keyed by issuer and subject, never by e-mail alone", () => {
  it("an identity whose e-mail equals a local account's is a different user, without its roles", async () => {
    const user = await signInExternalUser(identity({ email: admin.subject.toUpperCase(), name: "Mallory" }));
    expect(user.id).not.toBe(admin.id);
    expect(user.roles).toEqual([]);
    expect(user.passwordHash).toBeNull();
    expect(await auditActions(user.id)).toEqual(["user.create_external"]);
  });

  it("even with a verified e-mail, unless linking is enabled for the issuer", async () => {
    const user = await signInExternalUser(identity({ email: admin.subject, emailVerified: true }));
    expect(user.id).not.toBe(admin.id);
  });

  it("links a verified e-mail to the local account when an admin enabled linking for that issuer", async () => {
    const local = await testUser(tenant.slug, admin, { email: `link-${randomBytes(3).toString("hex")}@example.test` });
    process.env.AUTH_LINK_EMAIL_ISSUERS = `https://other.example.test, ${ISSUER}`;
    expect((await signInExternalUser(identity({ email: local.subject, emailVerified: false }))).id).not.toBe(local.id);
    const subject = `sub-${randomBytes(4).toString("hex")}`;
    const linked = await signInExternalUser(identity({ subject, email: local.subject, emailVerified: true, roles: ["data-team"] }));
    expect(linked.id).toBe(local.id);
    expect(linked.externalId).toBe(`${ISSUER}|${subject}`);
    expect(await auditActions(local.id)).toContain("user.link_external");
    // another issuer's verified e-mail does not link
    expect((await signInExternalUser(identity({ issuer: "https://third.example.test", email: local.subject, emailVerified: true }))).id).not.toBe(local.id);
  });

  it("an e-mail that changes at the provider keeps the same user", async () => {
    const subject = `sub-${randomBytes(4).toString("hex")}`;
    const first = await signInExternalUser(identity({ subject, email: "old@example.test", roles: ["a"] }));
    const second = await signInExternalUser(identity({ subject, email: "new@example.test", roles: ["a", "b"] }));
    expect(second.id).toBe(first.id);
    expect(second.email).toBe("new@example.test");
    expect(await auditActions(first.id)).toEqual(["user.create_external", "user.roles_change"]);
    const db = await database();
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, first.id), eq(auditEvents.action, "user.roles_change")));
    expect(event).toMatchObject({ before: { roles: ["a"] }, after: { roles: ["a", "b"] }, actorName: `identity provider ${ISSUER}` });
  });

  it("empty e-mail claims do not make users share one row", async () => {
    const a = await signInExternalUser(identity({ email: "" }));
    const b = await signInExternalUser(identity({ email: "" }));
    expect(a.id).not.toBe(b.id);
  });

  it("concurrent first sign-ins of one identity end with one user", async () => {
    const subject = `sub-${randomBytes(4).toString("hex")}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => signInExternalUser(identity({ subject, email: "race@example.test" }))));
    expect(new Set(results.map((u) => u.id)).size).toBe(1);
    const db = await database();
    expect(await db.select().from(users).where(eq(users.externalId, `${ISSUER}|${subject}`))).toHaveLength(1);
  });

  it("adding a member by e-mail means the local account, not a look-alike identity", async () => {
    const email = `member-${randomBytes(3).toString("hex")}@example.test`;
    const lookalike = await signInExternalUser(identity({ email }));
    const local = await testUser(tenant.slug, admin, { email });
    const ws = await createWorkspace(admin, { name: `members-${randomBytes(3).toString("hex")}` });
    const member = await addMember(admin, { workspaceId: ws.id, email, role: "viewer" });
    expect(member.id).toBe(local.id);
    expect(member.id).not.toBe(lookalike.id);
    const onlyExternal = `twins-${randomBytes(3).toString("hex")}@example.test`;
    await signInExternalUser(identity({ email: onlyExternal }));
    await signInExternalUser(identity({ email: onlyExternal }));
    await expect(addMember(admin, { workspaceId: ws.id, email: onlyExternal, role: "viewer" })).rejects.toMatchObject({ status: 409, code: "ambiguous_email" });
  });
});
