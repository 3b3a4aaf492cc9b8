import { randomBytes } from "node:crypto";
import { eq, like } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { database } from "@/db/client";
import { settings } from "@/db/schema";
import { SealedValueError } from "@/lib/crypto/envelope";
import { instanceSetting } from "./secrets";

const prefix = `test-setting-${randomBytes(4).toString("hex")}`;
const newKey = () => `${prefix}-${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  const db = await database();
  await db.delete(settings).where(like(settings.key, `${prefix}-%`));
});

async function stored(key: string) {
  const db = await database();
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row.value;
}

describe("instance settings at rest", () => {
  it("are generated once and stored only sealed", async () => {
    const key = newKey();
    const create = vi.fn(() => ({ token: "generated-value-123" }));
    expect(await instanceSetting(key, create)).toEqual({ token: "generated-value-123" });
    expect(await instanceSetting(key, create)).toEqual({ token: "generated-value-123" });
    expect(create).toHaveBeenCalledTimes(1);
    const value = await stored(key);
    expect(value).toEqual({ sealed: expect.stringMatching(/^s1\./) });
    expect(JSON.stringify(value)).not.toContain("generated-value-123");
  });

  it("seal a value that older code stored in plain at first use", async () => {
    const key = newKey();
    const db = await database();
    await db.insert(settings).values({ key, value: "old-plain-secret" });
    expect(await instanceSetting(key, () => "never used")).toBe("old-plain-secret");
    expect(JSON.stringify(await stored(key))).not.toContain("old-plain-secret");
    expect(await instanceSetting(key, () => "never used")).toBe("old-plain-secret");
  });

  it("refuse a sealed value copied from another setting", async () => {
    const source = newKey();
    await instanceSetting(source, () => "source value");
    const key = newKey();
    const db = await database();
    await db.insert(settings).values({ key, value: await stored(source) });
    await expect(instanceSetting(key, () => "never used")).rejects.toThrow(SealedValueError);
  });
});
