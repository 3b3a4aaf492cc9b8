import { randomUUID } from "node:crypto";
import { desc } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { database } from "@/db/client";
import { signingKeys } from "@/db/schema";

const ALG = "ES256";
type SigningKey = { kid: string; alg: string; privateKey: CryptoKey; publicJwk: JWK };
const cache = globalThis as unknown as { __sluiceSigningKey?: Promise<SigningKey> };

async function loadOrCreate(): Promise<SigningKey> {
  const db = await database();
  let [row] = await db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt)).limit(1);
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomUUID();
    await db
      .insert(signingKeys)
      .values({ kid, alg: ALG, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: "sig" }, privateJwk: await exportJWK(privateKey) })
      .onConflictDoNothing();
    [row] = await db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt)).limit(1);
  }
  return { kid: row.kid, alg: row.alg, privateKey: (await importJWK(row.privateJwk as JWK, row.alg)) as CryptoKey, publicJwk: row.publicJwk as JWK };
}

/** Sluice's token signing key: generated at first start, kept in the database. */
export function signingKey(): Promise<SigningKey> {
  cache.__sluiceSigningKey ??= loadOrCreate().catch((error) => {
    cache.__sluiceSigningKey = undefined;
    throw error;
  });
  return cache.__sluiceSigningKey;
}

/** The public keys, as published at /.well-known/jwks.json. */
export async function jwks(): Promise<{ keys: JWK[] }> {
  const db = await database();
  const rows = await db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt));
  return { keys: rows.map((r) => r.publicJwk as JWK) };
}
