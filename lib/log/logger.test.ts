import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { like, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { settings } from "@/db/schema";
import { createLogger } from "./logger";

/** A logger at level info whose lines are collected, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger(destination);
  logger.level = "info";
  return { logger, lines };
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the query to fail");
}

const prefix = `log-test-${randomBytes(4).toString("hex")}`;
afterAll(async () => {
  const db = await database();
  await db.delete(settings).where(like(settings.key, `${prefix}%`));
});

describe("logged database errors", () => {
  it("carry the SQL text but not the query's parameter values", async () => {
    const secret = `s3cret-${randomBytes(8).toString("hex")}`;
    const db = await database();
    const error = await failure(() => db.execute(sql`select ${secret}::text as value from table_that_does_not_exist`));
    expect(error.message).toContain(secret);

    const { logger, lines } = capturingLogger();
    logger.error({ err: error }, "unhandled error");
    logger.error(error);
    logger.error({ err: error });
    logger.error({ error }, "with another key");
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(JSON.stringify(line)).not.toContain(secret);
    const err = lines[0].err as Record<string, string>;
    expect(err.type).toBe("DrizzleQueryError");
    expect(err.query).toContain("table_that_does_not_exist");
    expect(err.message).toContain("relation \"table_that_does_not_exist\" does not exist");
    expect(err.stack).toMatch(/\n {4}at /);
  });

  it("leave out the row values PostgreSQL quotes in an error's detail", async () => {
    const key = `${prefix}-${randomBytes(8).toString("hex")}`;
    const db = await database();
    await db.insert(settings).values({ key, value: 1 });
    const error = await failure(() => db.insert(settings).values({ key, value: 2 }));
    expect(JSON.stringify((error as Error & { cause: unknown }).cause)).toContain(key);

    const { logger, lines } = capturingLogger();
    logger.error({ err: error }, "unhandled error");
    expect(JSON.stringify(lines[0])).not.toContain(key);
    expect((lines[0].err as Record<string, string>).message).toContain('duplicate key value violates unique constraint "settings_pkey"');
  });
});
