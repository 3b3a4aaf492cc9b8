import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { database } from "@/db/client";
import { users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/service";
import type { Principal } from "@/lib/auth/principal";
import type { UserRow } from "./service";

/** A person as an OpenID provider or an external token issuer describes them. */
export type ExternalIdentity = {
  tenantId: string;
  tenantSlug: string;
  issuer: string;
  subject: string;
  /** may be empty: never an identifier */
  email: string;
  emailVerified: boolean;
  name: string;
  roles: string[];
  groups: string[];
};

/**
 * Issuers whose verified e-mails may be linked to an existing local account with the same e-mail
 * (AUTH_LINK_EMAIL_ISSUERS, comma-separated; none by default). Without it, an external identity whose
 * e-mail equals a local account's is a separate person: an e-mail claim alone never takes an account over.
 */
export function emailLinkingEnabled(issuer: string): boolean {
  return (process.env.AUTH_LINK_EMAIL_ISSUERS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .includes(issuer);
}

export const externalId = (issuer: string, subject: string) => `${issuer}|${subject}`;

/** Who writes external users in the audit log: their identity provider. */
function providerActor(identity: ExternalIdentity): Principal {
  return {
    kind: "system",
    id: "00000000-0000-0000-0000-000000000000",
    subject: identity.issuer,
    name: `identity provider ${identity.issuer}`,
    tenantId: identity.tenantId,
    tenantSlug: identity.tenantSlug,
    roles: [],
    groups: [],
    scopes: [],
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * The user an external identity signs in as, keyed by (issuer, subject): found and refreshed (e-mail,
 * name, roles and groups follow the provider), linked to a local account only when the provider
 * verified the e-mail and linking is enabled for the issuer, else created. Audited.
 */
export async function signInExternalUser(identity: ExternalIdentity): Promise<UserRow> {
  const db = await database();
  const key = externalId(identity.issuer, identity.subject);
  const email = identity.email.trim().toLowerCase();
  const actor = providerActor(identity);
  return db.transaction(async (tx) => {
    const [known] = await tx.select().from(users).where(and(eq(users.tenantId, identity.tenantId), eq(users.externalId, key))).for("update");
    if (known) {
      const [updated] = await tx
        .update(users)
        .set({
          email: email || known.email,
          emailVerified: identity.emailVerified,
          name: identity.name || known.name,
          roles: identity.roles,
          groups: identity.groups,
          lastSignInAt: new Date(),
        })
        .where(eq(users.id, known.id))
        .returning();
      if (!sameList(known.roles, updated.roles) || !sameList(known.groups, updated.groups)) {
        await recordAudit(tx, actor, {
          action: "user.roles_change",
          targetType: "user",
          targetId: known.id,
          before: { roles: known.roles, groups: known.groups },
          after: { roles: updated.roles, groups: updated.groups },
        });
      }
      return updated;
    }
    if (email && identity.emailVerified && emailLinkingEnabled(identity.issuer)) {
      const [local] = await tx
        .update(users)
        .set({ externalId: key, emailVerified: true, roles: identity.roles, groups: identity.groups, lastSignInAt: new Date() })
        .where(and(eq(users.tenantId, identity.tenantId), eq(users.email, email), isNotNull(users.passwordHash), isNull(users.externalId)))
        .returning();
      if (local) {
        await recordAudit(tx, actor, { action: "user.link_external", targetType: "user", targetId: local.id, after: { issuer: identity.issuer, subject: identity.subject, roles: local.roles } });
        return local;
      }
    }
    const [created] = await tx
      .insert(users)
      .values({
        tenantId: identity.tenantId,
        externalId: key,
        email,
        emailVerified: identity.emailVerified,
        name: identity.name,
        roles: identity.roles,
        groups: identity.groups,
        lastSignInAt: new Date(),
      })
      .onConflictDoNothing()
      .returning();
    if (!created) {
      // A concurrent first sign-in of the same identity created it.
      const [winner] = await tx.select().from(users).where(and(eq(users.tenantId, identity.tenantId), eq(users.externalId, key)));
      return winner;
    }
    await recordAudit(tx, actor, {
      action: "user.create_external",
      targetType: "user",
      targetId: created.id,
      after: { issuer: identity.issuer, subject: identity.subject, email: created.email, roles: created.roles, groups: created.groups },
    });
    return created;
  });
}
