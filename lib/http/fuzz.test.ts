import fc from "fast-check";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
import { caseArbitrary, type Target } from "@/lib/testing/fuzz/cases";
import { report, violations } from "@/lib/testing/fuzz/check";
import { eq } from "drizzle-orm";
import { database } from "@/db/client";
import { jobs } from "@/db/schema";
import { fuzzFixture } from "@/lib/testing/fuzz/fixture";
import { documentOperations, fuzzDocument } from "@/lib/testing/fuzz/operations";
import { send, startNodeServer, type NodeServer } from "@/lib/testing/fuzz/send";
import { Tally } from "@/lib/testing/fuzz/tally";

/**
 * Fuzzes every operation of the OpenAPI document through both server paths (the route handler as
 * Next calls it, and raw HTTP to the production server's node-router) with generated and hostile
 * requests. Every answer: no 5xx, within 2 s, every 4xx problem+json with a `code`.
 * `npm test` runs a fixed seed; `npm run fuzz` a random one (FUZZ_SEED replays, FUZZ_RUNS per operation,
 * FUZZ_PATH the counterexample path fast-check reports, FUZZ_SUMMARY=1 prints the answers counted by status).
 */
const serverErrors = vi.hoisted(() => [] as string[]);

// A signed-out browser: without a token the handlers ask for the session, which needs Next's request scope.
vi.mock("@/lib/auth/session", () => ({ sessionPrincipal: async () => undefined }));

// The stack of an unhandled error is logged before its 500 goes out; failure reports show it.
vi.mock("@/lib/log/logger", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/log/logger")>();
  const record = (entry: unknown) => {
    const err = (entry as { err?: Error & { cause?: Error } })?.err;
    serverErrors.push(err ? `${err.stack}${err.cause ? `\ncaused by: ${err.cause.stack ?? err.cause}` : ""}` : JSON.stringify(entry));
  };
  return {
    ...real,
    log: () => new Proxy(real.log(), { get: (logger, key) => (key === "error" ? (entry: unknown, ...rest: []) => (record(entry), logger.error(entry as object, ...rest)) : Reflect.get(logger, key)) }),
  };
});

const seed = Number(process.env.FUZZ_SEED ?? 1_729);
const runs = Number(process.env.FUZZ_RUNS ?? 40);
const document = fuzzDocument();
const operations = documentOperations(document).map((op) => [`${op.method} ${op.path}`, op] as const);

describe.each<Target>(["handler", "node"])(`fuzz (seed ${seed}, ${runs} runs per operation) through the %s path`, (how) => {
  let server: NodeServer;
  const tally = new Tally();
  beforeAll(async () => {
    server = await startNodeServer();
  });
  afterAll(async () => {
    await server.close();
    if (process.env.FUZZ_SUMMARY) console.log(`Answers through the ${how} path:\n${tally.lines().join("\n")}`);
  });

  it.each(operations)(
    "%s",
    async (name, op) => {
      const fixture = await fuzzFixture();
      const property = fc.asyncProperty(caseArbitrary(op, how, document, (collection) => fixture.pools[collection].length), async (c) => {
        serverErrors.length = 0;
        const answer = await send(how, server, op, c, fixture);
        tally.add(name, answer);
        if (answer.declined) return; // without a token node-router leaves the call to Next: the handler path covers it
        const found = violations(answer);
        if (found.length > 0) throw new Error(report(found, answer, serverErrors));
      });
      await fc.assert(property, { seed, numRuns: runs, endOnFailure: true, path: process.env.FUZZ_PATH });
      // No worker runs here: the runs the fuzz started would wait in the queue for the next test file's workers.
      await (await database()).delete(jobs).where(eq(jobs.tenantKey, fixture.tenantId));
    },
    60_000 + runs * 3_000,
  );
});
