import { randomBytes } from "node:crypto";
import { adminRole } from "@/lib/access/policy";
import { ALL_SCOPES_MARKER, type Principal } from "@/lib/auth/principal";
import { createClient } from "@/lib/clients/service";
import { issueClientToken } from "@/lib/auth/tokens";
import type { Scope } from "@/lib/access/actions";
import { createTenant, operatorPrincipal } from "@/lib/tenants/service";
import { createUser } from "@/lib/users/service";

/** A fresh tenant per test keeps tests independent on one shared database. */
export async function testTenant(prefix = "t") {
  const tenant = await createTenant({ slug: `${prefix}-${randomBytes(5).toString("hex")}` });
  const operator = operatorPrincipal(tenant);
  return { tenant, operator };
}

/** A signed-in person of the tenant, as the UI would see them. */
export async function testUser(tenantSlug: string, operator: Principal, options: { roles?: string[]; admin?: boolean; email?: string } = {}): Promise<Principal> {
  const roles = [...(options.roles ?? []), ...(options.admin ? [adminRole()] : [])];
  const email = options.email ?? `u-${randomBytes(4).toString("hex")}@example.test`;
  const user = await createUser(operator, { email, password: "correct-horse-battery", roles });
  return { kind: "user", id: user.id, subject: user.email, name: user.email, tenantId: operator.tenantId, tenantSlug, roles, groups: [], scopes: [ALL_SCOPES_MARKER] };
}

/** A machine client and a bearer token for it. */
export async function testToken(operator: Principal, scopes: Scope[], roles: string[] = []) {
  const { client, clientSecret } = await createClient(operator, { name: `client-${randomBytes(3).toString("hex")}`, scopes, roles });
  const token = await issueClientToken({ grant_type: "client_credentials", client_id: client.clientId, client_secret: clientSecret });
  return { client, clientSecret, token: token.access_token };
}
