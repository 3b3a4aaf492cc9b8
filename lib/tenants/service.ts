import { eq } from "drizzle-orm";
import { z } from "zod";
import { database } from "@/db/client";
import { tenants } from "@/db/schema";
import { adminRole } from "@/lib/access/policy";
import { recordAudit } from "@/lib/audit/service";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { conflict, notFound } from "@/lib/errors";
import { parseInput } from "@/lib/validation";

export const tenantSlug = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lower-case letters, digits and '-'");

export type Tenant = typeof tenants.$inferSelect;

/** The operator at the command line: a platform admin of one tenant, recorded as such in the audit log. */
export function operatorPrincipal(tenant: Tenant): Principal {
  return {
    kind: "system",
    id: "00000000-0000-0000-0000-000000000000",
    subject: "operator",
    name: "operator (cli)",
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    roles: [adminRole()],
    groups: [],
    scopes: [ALL_SCOPES_MARKER],
  };
}

export async function findTenant(slug: string): Promise<Tenant | undefined> {
  const db = await database();
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  return tenant;
}

export async function requireTenant(slug: string): Promise<Tenant> {
  const tenant = await findTenant(slug);
  if (!tenant) throw notFound(`tenant '${slug}'`);
  return tenant;
}

const createTenantInput = z.strictObject({ slug: tenantSlug, name: z.string().min(1).max(200).optional() });

/** Tenants are created by operators (CLI); there is no principal above a tenant. */
export async function createTenant(input: z.input<typeof createTenantInput>): Promise<Tenant> {
  const data = parseInput(createTenantInput, input);
  const db = await database();
  return db.transaction(async (tx) => {
    const [tenant] = await tx.insert(tenants).values({ slug: data.slug, name: data.name ?? data.slug }).onConflictDoNothing().returning();
    if (!tenant) throw conflict("tenant_exists", `Tenant '${data.slug}' already exists.`);
    await recordAudit(tx, operatorPrincipal(tenant), { action: "tenant.create", targetType: "tenant", targetId: tenant.id, after: { slug: tenant.slug } });
    return tenant;
  });
}
