import { randomBytes } from "node:crypto";
import { adminRole } from "@/lib/access/policy";
import { createTenant, findTenant, operatorPrincipal } from "@/lib/tenants/service";
import { createUser } from "@/lib/users/service";
import { SAMPLE_WORKFLOWS } from "@/lib/workflows/samples";
import { createWorkflow } from "@/lib/workflows/service";
import { createWorkspace } from "@/lib/workspaces/service";

export const DEMO_TENANT = "demo";
export const DEMO_ADMIN_EMAIL = "admin@demo.local";

/** First start: a demo tenant with a workspace and an admin whose password is printed once. */
export async function seedDemo() {
  const url = process.env.NEXTAUTH_URL || `http://localhost:${process.env.PORT || 3000}`;
  if (await findTenant(DEMO_TENANT)) {
    console.log(`Sluice: demo tenant exists; sign in at ${url} as ${DEMO_ADMIN_EMAIL} with the password printed at first start.`);
    return;
  }
  const tenant = await createTenant({ slug: DEMO_TENANT, name: "Demo" });
  const operator = operatorPrincipal(tenant);
  const password = process.env.SLUICE_ADMIN_PASSWORD || randomBytes(9).toString("base64url");
  const admin = await createUser(operator, { email: DEMO_ADMIN_EMAIL, name: "Demo Admin", password, roles: [adminRole()] });
  const adminPrincipal = { ...operator, kind: "user" as const, id: admin.id, subject: admin.email, name: admin.name };
  const workspace = await createWorkspace(adminPrincipal, { name: "demo", description: "A workspace to try Sluice in.", accessRules: [] });
  for (const sample of SAMPLE_WORKFLOWS) await createWorkflow(adminPrincipal, { workspaceId: workspace.id, name: sample.name, spec: sample.spec, message: "Sample workflow" });
  console.log(
    [
      "",
      "  Sluice is seeded with a demo tenant.",
      `  URL:      ${url}`,
      `  E-mail:   ${DEMO_ADMIN_EMAIL}`,
      `  Password: ${password}`,
      "  (shown once; keep it)",
      "",
    ].join("\n"),
  );
}
