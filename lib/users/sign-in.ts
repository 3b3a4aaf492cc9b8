import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { database } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import { hashPassword, passwordMatches } from "@/lib/auth/password";
import type { Principal } from "@/lib/auth/principal";
import type { UserRow } from "./service";

export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;

/**
 * `invalid` covers a wrong password, an unknown e-mail and a locked account alike, so the answer never
 * tells whether an account exists; the audit log and the server log keep the real reason.
 */
export type SignInResult = { ok: true; user: UserRow; tenantSlug: string } | { ok: false; reason: "invalid" | "ambiguous" };

type Candidate = { user: UserRow; slug: string };

/** The account itself is the actor of its sign-in events. */
function accountActor({ user, slug }: Candidate): Principal {
  return { kind: "user", id: user.id, subject: user.email, name: user.name || user.email, tenantId: user.tenantId, tenantSlug: slug, roles: user.roles, groups: user.groups, scopes: [] };
}

async function audit(candidate: Candidate, action: "auth.sign_in" | "auth.sign_in_failed" | "auth.lockout", after: Record<string, unknown> = {}) {
  const db = await database();
  await recordAudit(db, accountActor(candidate), { action, targetType: "user", targetId: candidate.user.id, after: { email: candidate.user.email, ...after } });
}

/** Spent on unknown e-mails too, so the answer takes as long whether or not the account exists. */
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword("decoy password that never matches"));

/** One failure, counted atomically: concurrent wrong guesses all count and the fifth locks the account. */
async function recordFailure(candidate: Candidate) {
  const db = await database();
  const failures = sql`${users.failedSignIns} + 1`;
  const [row] = await db
    .update(users)
    .set({
      failedSignIns: sql`case when ${failures} >= ${MAX_FAILED_SIGN_INS} then 0 else ${failures} end`,
      lockedUntil: sql`case when ${failures} >= ${MAX_FAILED_SIGN_INS} then now() + make_interval(mins => ${LOCK_MINUTES}) else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, candidate.user.id))
    .returning({ lockedUntil: users.lockedUntil, failedSignIns: users.failedSignIns });
  const lockedNow = row?.failedSignIns === 0 && row.lockedUntil !== null && row.lockedUntil > new Date();
  await audit(candidate, lockedNow ? "auth.lockout" : "auth.sign_in_failed", lockedNow ? { lockedUntil: row.lockedUntil!.toISOString() } : {});
}

/** Succeeds only while the account is not locked — a lock set by a concurrent failure wins. */
async function recordSuccess(candidate: Candidate): Promise<boolean> {
  const db = await database();
  const [row] = await db
    .update(users)
    .set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: new Date() })
    .where(and(eq(users.id, candidate.user.id), or(isNull(users.lockedUntil), lte(users.lockedUntil, sql`now()`))))
    .returning({ id: users.id });
  return Boolean(row);
}

/**
 * Checks an e-mail and password against local accounts (those with a password). Without a tenant, the
 * password is tried on every account with that e-mail: one match signs in; several ask for the tenant.
 */
export async function verifyPasswordSignIn(input: { email: string; password: string; tenant?: string }): Promise<SignInResult> {
  const db = await database();
  const candidates: Candidate[] = (
    await db
      .select({ user: users, slug: tenants.slug })
      .from(users)
      .innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(eq(users.email, input.email.trim().toLowerCase()), isNotNull(users.passwordHash), input.tenant ? eq(tenants.slug, input.tenant) : undefined))
  ).slice(0, 20);
  if (candidates.length === 0) {
    await passwordMatches(input.password, await decoy());
    return { ok: false, reason: "invalid" };
  }
  const matching: Candidate[] = [];
  for (const candidate of candidates) {
    const locked = candidate.user.lockedUntil !== null && candidate.user.lockedUntil > new Date();
    if (!locked && (await passwordMatches(input.password, candidate.user.passwordHash))) matching.push(candidate);
    else if (locked) await audit(candidate, "auth.sign_in_failed", { locked: true });
    else await recordFailure(candidate);
  }
  if (matching.length > 1) return { ok: false, reason: "ambiguous" };
  const [match] = matching;
  if (!match || !(await recordSuccess(match))) return { ok: false, reason: "invalid" };
  await audit(match, "auth.sign_in");
  return { ok: true, user: match.user, tenantSlug: match.slug };
}
