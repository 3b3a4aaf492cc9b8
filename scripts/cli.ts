import { parseArgs } from "node:util";
import { disconnect } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import type { Scope } from "@/lib/access/actions";
import { createClient } from "@/lib/clients/service";
import { AppError } from "@/lib/errors";
import { createTenant, operatorPrincipal, requireTenant } from "@/lib/tenants/service";
import { createUser } from "@/lib/users/service";
import { seedDemo } from "./seed";

const USAGE = `Usage: sluice <command>
  migrate                                   apply database migrations
  seed                                      create the demo tenant, workspace and admin (once)
  tenant create <slug> [--name <name>]
  user create --tenant <slug> --email <e> --password <p> [--name <n>] [--role <r>...]
  client create --tenant <slug> --name <n> --scope <s>... [--role <r>...]`;

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      role: { type: "string", multiple: true },
      scope: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub, arg] = positionals;
  const tenantOperator = async () => operatorPrincipal(await requireTenant(values.tenant ?? ""));
  switch (`${command ?? ""} ${sub ?? ""}`.trim()) {
    case "migrate":
      await applyMigrations();
      return print({ migrated: true });
    case "seed":
      await applyMigrations();
      return seedDemo();
    case "tenant create": {
      const tenant = await createTenant({ slug: arg ?? "", name: values.name });
      return print({ id: tenant.id, slug: tenant.slug, name: tenant.name });
    }
    case "user create":
      return print(await createUser(await tenantOperator(), { email: values.email ?? "", password: values.password ?? "", name: values.name, roles: values.role ?? [] }));
    case "client create": {
      const { client, clientSecret } = await createClient(await tenantOperator(), { name: values.name ?? "", scopes: (values.scope ?? []) as Scope[], roles: values.role ?? [] });
      return print({ client_id: client.clientId, client_secret: clientSecret, scopes: client.scopes, roles: client.roles });
    }
    default:
      console.error(USAGE);
      process.exitCode = values.help ? 0 : 2;
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof AppError) {
    console.error(JSON.stringify({ error: error.code, message: error.message, ...error.details }, null, 2));
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
} finally {
  await disconnect();
}
