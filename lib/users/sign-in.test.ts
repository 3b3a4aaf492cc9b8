import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { auditEvents, users } from "@/db/schema";
import { testTenant, testUser } from "@/lib/testing/fixtures";
import { MAX_FAILED_SIGN_INS, verifyPasswordSignIn } from "./sign-in";

const PASSWORD = "correct-horse-battery"; // testUser's
let tenant: { id: string; slug: string };
let operator: Awaited<ReturnType<typeof testTenant>>["operator"];

beforeAll(async () => {
  ({ tenant, operator } = await testTenant("signin"));
});

const newUser = async () => (await testUser(tenant.slug, operator, { email: `p-${randomBytes(4).toString("hex")}@example.test` })).subject;

async function actionsFor(email: string) {
  const db = await database();
  const [user] = await db.select().from(users).where(and(eq(users.tenantId, tenant.id), eq(users.email, email)));
  const rows = await db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.targetId, user.id)));
  return rows.map((r) => r.action).filter((a) => a.startsWith("auth."));
}

describe("password sign-in", () => {
  it("signs in and records it", async () => {
    const email = await newUser();
    const result = await verifyPasswordSignIn({ email, password: PASSWORD });
    expect(result.ok).toBe(true);
    expect(await actionsFor(email)).toEqual(["auth.sign_in"]);
  });

  it("counts concurrent wrong guesses atomically: they still lock the account", async () => {
    const email = await newUser();
    const guesses = await Promise.all(Array.from({ length: MAX_FAILED_SIGN_INS }, (_, i) => verifyPasswordSignIn({ email, password: `wrong-${i}` })));
    expect(guesses.every((g) => !g.ok)).toBe(true);
    expect(await verifyPasswordSignIn({ email, password: PASSWORD })).toEqual({ ok: false, reason: "invalid" });
    const actions = await actionsFor(email);
    expect(actions).toContain("auth.lockout");
    expect(actions.filter((a) => a === "auth.sign_in_failed").length).toBeGreaterThanOrEqual(MAX_FAILED_SIGN_INS - 1);
    const db = await database();
    const [row] = await db.select().from(users).where(and(eq(users.tenantId, tenant.id), eq(users.email, email)));
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("answers alike for a wrong password, an unknown e-mail and a locked account", async () => {
    const email = await newUser();
    const wrong = await verifyPasswordSignIn({ email, password: "nope-nope" });
    const unknown = await verifyPasswordSignIn({ email: `nobody-${randomBytes(4).toString("hex")}@example.test`, password: "nope-nope" });
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) await verifyPasswordSignIn({ email, password: "nope-nope" });
    const locked = await verifyPasswordSignIn({ email, password: PASSWORD });
    expect(wrong).toEqual(unknown);
    expect(locked).toEqual(unknown);
  });

  it("tries the password in every tenant when none is given: one match signs in", async () => {
    const email = `shared-${randomBytes(4).toString("hex")}@example.test`;
    const other = await testTenant("signin-b");
    await testUser(tenant.slug, operator, { email });
    await testUser(other.tenant.slug, other.operator, { email });
    expect(await verifyPasswordSignIn({ email, password: PASSWORD })).toEqual({ ok: false, reason: "ambiguous" });
    const chosen = await verifyPasswordSignIn({ email, password: PASSWORD, tenant: other.tenant.slug });
    expect(chosen.ok && chosen.tenantSlug).toBe(other.tenant.slug);
  });

  it("never signs in an external identity with a password", async () => {
    const db = await database();
    const email = `ext-${randomBytes(4).toString("hex")}@example.test`;
    await db.insert(users).values({ tenantId: tenant.id, email, externalId: `https://idp|${email}` });
    expect(await verifyPasswordSignIn({ email, password: "" })).toEqual({ ok: false, reason: "invalid" });
  });
});
