import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { database } from "@/db/client";
import { signingKeys } from "@/db/schema";
import { SealedValueError } from "@/lib/crypto/envelope";
import { jwks, signingKey } from "./keys";

const cache = globalThis as unknown as { __sluiceSigningKey?: unknown };
const inserted: string[] = [];

afterEach(async () => {
  const db = await database();
  if (inserted.length > 0) await db.delete(signingKeys).where(inArray(signingKeys.kid, inserted.splice(0)));
  cache.__sluiceSigningKey = undefined;
});

/** Adds a key pair as the newest signing key, as `columns` say it is stored. */
async function insertNewestKey(columns: (kid: string, privateJwk: JWK) => Partial<typeof signingKeys.$inferInsert>) {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = randomUUID();
  const privateJwk = await exportJWK(privateKey);
  inserted.push(kid);
  const db = await database();
  await db.insert(signingKeys).values({ kid, alg: "ES256", publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }, createdAt: new Date(Date.now() + 60_000), ...columns(kid, privateJwk) });
  return { kid, privateJwk };
}

async function storedRow(kid: string) {
  const db = await database();
  const [row] = await db.select().from(signingKeys).where(eq(signingKeys.kid, kid));
  return row;
}

async function signsVerifiably(kid: string) {
  const key = await signingKey();
  expect(key.kid).toBe(kid);
  const token = await new SignJWT({ sub: "x" }).setProtectedHeader({ alg: key.alg, kid }).sign(key.privateKey);
  const publicJwk = (await jwks()).keys.find((k) => k.kid === kid)!;
  await expect(jwtVerify(token, publicJwk)).resolves.toBeTruthy();
}

describe("token signing key at rest", () => {
  it("is stored only sealed: the row holds no private key material", async () => {
    const { kid } = await signingKey();
    const row = await storedRow(kid);
    expect(row.privateJwk).toBeNull();
    expect(row.wrappedPrivateKey).toMatch(/^s1\./);
  });

  it("seals a private key that older code stored in plain at first use and clears the plain column", async () => {
    const { kid, privateJwk } = await insertNewestKey((_, jwk) => ({ privateJwk: jwk }));
    await signsVerifiably(kid);
    const row = await storedRow(kid);
    expect(row.privateJwk).toBeNull();
    expect(row.wrappedPrivateKey).toMatch(/^s1\./);
    expect(row.wrappedPrivateKey).not.toContain(privateJwk.d!);
  });

  it("refuses a sealed private key copied from another key's row", async () => {
    const other = await storedRow((await signingKey()).kid);
    cache.__sluiceSigningKey = undefined;
    await insertNewestKey(() => ({ wrappedPrivateKey: other.wrappedPrivateKey }));
    await expect(signingKey()).rejects.toThrow(SealedValueError);
  });
});
