import { randomBytes } from "node:crypto";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { secrets } from "@/db/schema";
import { taskEnded } from "@/lib/apps/testing";
import { createProvider } from "@/lib/connections/providers";
import { completeConnection, startConnection } from "@/lib/connections/service";
import { connectionToken } from "@/lib/connections/tokens";
import { authorizeAtProvider, oauthServer } from "@/lib/connections/oidc.testing";
import { listLogs } from "@/lib/engine/runs/logs";
import { engineFixture, engineWorker, runToEnd, saveWorkflow, sh, stepByKey } from "@/lib/engine/testing/engine";
import { call } from "@/lib/testing/http";
import { testToken } from "@/lib/testing/fixtures";
import { addMember } from "@/lib/workspaces/service";
import * as api from "./endpoints";
import { readVersion } from "./values";

/**
 * Secret values appear nowhere but in the store's ciphertext (and a reveal's answer): not in other API
 * answers, not in any log line at the most verbose level, not in the audit log, not in any text or JSON
 * column of any table (an `aws` secret's value neither while its write waits, nor after); a run's step
 * gets them, and its log shows them masked.
 */
const logLines = vi.hoisted(() => [] as string[]);
vi.mock("@/lib/log/logger", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/log/logger")>();
  const { Writable } = await import("node:stream");
  const capture = real.createLogger(new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
  capture.level = "trace";
  return { ...real, log: () => capture };
});

const mark = () => `plain-${randomBytes(9).toString("hex")}`;
const VALUES = { first: mark(), second: mark(), appearsInRun: mark(), inAws: mark() };
const sm = mockClient(SecretsManagerClient);

let fx: Awaited<ReturnType<typeof engineFixture>>;
let worker: ReturnType<typeof engineWorker>;
let server: Awaited<ReturnType<typeof oauthServer>>;

beforeAll(async () => {
  fx = await engineFixture("plain");
  worker = engineWorker();
  worker.start();
  server = await oauthServer();
});
afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

/** Every text, character, JSON and array column of every table, as `"table"."column"`. */
async function searchableColumns() {
  const db = await database();
  const { rows } = await db.execute<{ table_name: string; column_name: string }>(sql`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema() and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`);
  return rows;
}

/** Where in the database `plaintext` appears, as "table.column" entries. */
async function foundInDatabase(plaintext: string): Promise<string[]> {
  const db = await database();
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of await searchableColumns()) {
    const { rows } = await db.execute(sql`select 1 from ${sql.identifier(table)} where strpos(${sql.identifier(column)}::text, ${plaintext}) > 0 limit 1`);
    if (rows.length > 0) found.push(`${table}.${column}`);
  }
  return found;
}

describe("secret values at rest and in transit", () => {
  it("appear only in the store's ciphertext and the reveal's answer; a run gets them masked in its log", async () => {
    const admin = await testToken(fx.operator, ["secrets:read", "secrets:write"]);
    const revealer = await testToken(fx.operator, ["secrets:reveal"]);
    for (const client of [admin, revealer]) await addMember(fx.operator, { workspaceId: fx.workspaceId, clientId: client.client.clientId, role: "admin" });
    const answers: string[] = [];
    const send = async (...args: Parameters<typeof call>) => {
      const result = await call(...args);
      expect(result.status, result.text).toBeLessThan(300);
      answers.push(result.text);
      return result;
    };
    const params = { id: fx.workspaceId, name: "db" };
    await send(api.createSecret, { token: admin.token, params, body: { name: "db", value: VALUES.first, description: "a database password" } });
    await send(api.putSecret, { token: admin.token, params, body: { value: VALUES.second } });
    await send(api.putSecret, { token: admin.token, params: { id: fx.workspaceId, name: "for-run" }, body: { value: VALUES.appearsInRun } });
    await send(api.describeSecret, { token: admin.token, params, body: { description: "rotated" } });
    await send(api.getSecret, { token: admin.token, params });
    await send(api.listSecrets, { token: admin.token, params });
    const revealed = await call(api.revealSecret, { token: revealer.token, params, body: { version: 1 } });
    expect(revealed.body.value).toBe(VALUES.first);

    // an `aws` secret, searched for while its write to Secrets Manager waits and once it is written
    let write!: () => void;
    const writing = new Promise<void>((resolve) => (write = resolve));
    sm.on(CreateSecretCommand).callsFake(async (input: { Name: string; ClientRequestToken: string }) => {
      await writing;
      return { ARN: `arn:aws:secretsmanager:eu-west-2:111111111111:secret:${input.Name}`, VersionId: input.ClientRequestToken };
    });
    vi.stubEnv("SLUICE_SECRET_STORE", "aws");
    vi.stubEnv("SLUICE_AWS_ROLES_MAP", "");
    vi.stubEnv("AWS_REGION", "eu-west-2");
    const inAws = await send(api.createSecret, { token: admin.token, params: { id: fx.workspaceId }, body: { name: "in-aws", value: VALUES.inAws } });
    expect(await foundInDatabase(VALUES.inAws), "a pending AWS value in the database").toEqual([]);
    write();
    expect((await taskEnded(fx.operator, inAws.body.pendingTasks[0].id)).state).toBe("succeeded");
    vi.unstubAllEnvs();

    // a connection: its client secret and tokens are secret values too
    const clientSecret = server.provider.clientSecret;
    const provider = await createProvider(fx.admin, { name: "idp", ...server.provider });
    const { authorizationUrl } = await startConnection(fx.admin, { workspaceId: fx.workspaceId, name: "idp", providerId: provider.id });
    await completeConnection(fx.admin, await authorizeAtProvider(authorizationUrl));
    const accessToken = (await connectionToken(fx.workspaceId, "idp")).accessToken;
    const db = await database();
    const [refreshRow] = await db.select().from(secrets).where(and(eq(secrets.name, "connection.idp.refresh"), eq(secrets.workspaceId, fx.workspaceId)));
    const refreshToken = (await readVersion(db, refreshRow)).value;

    // a run: a step prints a secret and a connection's token; another calls the provider with the token
    await saveWorkflow(fx.admin, fx.workspaceId, "uses-secrets", {
      steps: [
        sh("print", 'echo "db=$DB token=$TOKEN"', {
          container: {
            image: "busybox",
            command: ["sh", "-c", 'echo "db=$DB token=$TOKEN"'],
            args: [],
            env: [
              { name: "DB", value: { from: "secret", name: "for-run" } },
              { name: "TOKEN", value: { from: "secret", name: "connection.idp" } },
            ],
          },
        }),
        {
          name: "call",
          kind: "http",
          // RFC 6750 §2.2: the token as a form field (the body's templates are filled in with the step's secrets)
          http: { method: "POST", url: server.userinfo, headers: [{ name: "content-type", value: { from: "literal", value: "application/x-www-form-urlencoded" } }], body: "access_token={{inputs.token}}" },
          inputs: [{ name: "token", type: "secret", required: true, value: { from: "secret", name: "connection.idp" } }],
          outputs: [{ name: "sub", type: "string", source: { from: "body", jsonPath: "sub" } }],
          dependsOn: [],
          continueOnFailure: false,
        },
      ],
    });
    const run = await runToEnd(fx.admin, fx.workspaceId, "uses-secrets");
    expect(run.state, JSON.stringify(run.steps.map((s) => [s.key, s.state, s.error]))).toBe("succeeded");
    expect(stepByKey(run, "call").outputs).toEqual({ sub: "dana" });
    const log = (await listLogs(fx.admin, { workspaceId: fx.workspaceId, runId: run.id })).items.map((c) => c.text).join("");
    expect(log).toContain("db=*** token=***");
    answers.push(JSON.stringify(run));

    const plaintexts = { ...VALUES, clientSecret, accessToken, refreshToken };
    for (const [what, plaintext] of Object.entries(plaintexts)) {
      expect(await foundInDatabase(plaintext), `${what} in the database`).toEqual([]);
      expect(logLines.filter((line) => line.includes(plaintext)), `${what} in the logs`).toEqual([]);
      expect(answers.filter((answer) => answer.includes(plaintext)), `${what} in API answers`).toEqual([]);
    }
    expect(logLines.length).toBeGreaterThan(5);
    // the search finds what is there: a description is no secret
    expect(await foundInDatabase("a database password")).toEqual(expect.arrayContaining(["audit_events.before"]));
  });
});
