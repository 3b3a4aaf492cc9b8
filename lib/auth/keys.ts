import { randomUUID } from "node:crypto";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { database } from "@/db/client";
import { signingKeys } from "@/db/schema";
import { open, seal, type SealContext } from "@/lib/crypto/envelope";

const ALG = "ES256";
type SigningKey = { kid: string; alg: string; privateKey: CryptoKey; publicJwk: JWK };
const cache = globalThis as unknown as { __sluiceSigningKey?: Promise<SigningKey> };

export const sealContext = (kid: string): SealContext => ({ purpose: "signing-key", owner: kid, version: 1 });

/** Rows written before keys were sealed hold the private JWK in plain: seal them and clear it. */
async function sealPlainKeys() {
  const db = await database();
  const plain = await db.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys).where(isNotNull(signingKeys.privateJwk));
  for (const { kid, privateJwk } of plain) {
    await db
      .update(signingKeys)
      .set({ wrappedPrivateKey: seal(JSON.stringify(privateJwk), sealContext(kid)), privateJwk: null })
      .where(and(eq(signingKeys.kid, kid), isNotNull(signingKeys.privateJwk)));
  }
}

async function loadOrCreate(): Promise<SigningKey> {
  await sealPlainKeys();
  const db = await database();
  let [row] = await db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt)).limit(1);
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomUUID();
    await db
      .insert(signingKeys)
      .values({
        kid,
        alg: ALG,
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: "sig" },
        wrappedPrivateKey: seal(JSON.stringify(await exportJWK(privateKey)), sealContext(kid)),
      })
      .onConflictDoNothing();
    [row] = await db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt)).limit(1);
  }
  if (!row.wrappedPrivateKey) throw new Error(`The signing key ${row.kid} has no private key.`);
  const privateJwk = JSON.parse(open(row.wrappedPrivateKey, sealContext(row.kid))) as JWK;
  return { kid: row.kid, alg: row.alg, privateKey: (await importJWK(privateJwk, row.alg)) as CryptoKey, publicJwk: row.publicJwk as JWK };
}

/** Sluice's token signing key: generated at first start, kept in the database sealed under the master key. */
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
