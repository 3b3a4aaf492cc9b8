import { parseArgs } from "node:util";
import { disconnect } from "@/db/client";
import { applyMigrations, migrationsApplied } from "@/db/migrate";
import { assertConfiguration } from "@/lib/config/check";
import type { Scope } from "@/lib/access/actions";
import { createClient } from "@/lib/clients/service";
import { AppError } from "@/lib/errors";
import { createTenant, operatorPrincipal, requireTenant } from "@/lib/tenants/service";
import { createUser } from "@/lib/users/service";
import { rotateMasterKey } from "@/lib/secrets/master-key-rotation";
import { withArgoController } from "@/lib/engine/argo/controller";
import { runWorkerUntilStopped } from "@/lib/engine/local/run-worker";
import { seedDemo } from "./seed";

const USAGE = `Usage: sluice <command>
  migrate                                   apply database migrations
  seed                                      create the demo tenant, workspace and admin (once)
  tenant create <slug> [--name <name>]
  user create --tenant <slug> --email <e> --password <p> [--name <n>] [--role <r>...]
  client create --tenant <slug> --name <n> --scope <s>... [--role <r>...]
  worker [--concurrency <n>]               run a worker of the local engine (more share the same queue)
  secrets rotate-master-key                 re-seal every key under a new master key (stop Sluice first; with
                                            SLUICE_MASTER_KEY set, the new key comes from SLUICE_NEW_MASTER_KEY)`;

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
      concurrency: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub, arg] = positionals;
  // A data directory or database that is not migrated yet is migrated first, whatever the command.
  if (command && command !== "migrate" && !(await migrationsApplied())) await applyMigrations();
  const tenantOperator = async () => operatorPrincipal(await requireTenant(values.tenant ?? ""));
  switch (`${command ?? ""} ${sub ?? ""}`.trim()) {
    case "migrate":
      await applyMigrations();
      return print({ migrated: true });
    case "seed":
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
    case "worker": {
      const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0 && concurrency <= 1000)) throw new Error("--concurrency must be a whole number from 1 to 1000.");
      return withArgoController(() => runWorkerUntilStopped({ concurrency, announce: (message) => console.error(message) }));
    }
    case "secrets rotate-master-key":
      return print(await rotateMasterKey());
    default:
      console.error(USAGE);
      process.exitCode = values.help ? 0 : 2;
  }
}

/** Every failure is one line on stderr and a non-zero exit; SLUICE_DEBUG=1 adds the stack. */
function oneLine(error: unknown): string {
  if (error instanceof AppError) {
    const fields = (error.details.errors ?? []).map((e) => `${e.path || "input"}: ${e.message}`).join("; ");
    return `${error.message}${fields ? ` (${fields})` : ""} [${error.code}]`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ");
}

try {
  assertConfiguration();
  await main(process.argv.slice(2));
} catch (error) {
  console.error(`sluice: ${oneLine(error)}`);
  if (process.env.SLUICE_DEBUG) console.error(error);
  process.exitCode = 1;
} finally {
  await disconnect().catch(() => undefined);
}
