import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { masterKey } from "./master-key";

/**
 * Authenticated encryption of values kept in the database: AES-256-GCM under a key derived by
 * HKDF-SHA256 (info = purpose) from the master key or from a data key, with the context bound as
 * additional authenticated data. A value moved to another owner or version, changed, or sealed under
 * another key does not open: open() throws SealedValueError instead of returning garbage.
 */
export type SealContext = {
  /** what the value is (also selects the derived key), e.g. "signing-key" */
  purpose: string;
  /** whose value it is, e.g. a key id or `<workspace id>/<secret name>` */
  owner: string;
  version: number;
};

const FORMAT = "s1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class SealedValueError extends Error {
  constructor(context: SealContext) {
    super(
      `The sealed ${context.purpose} of ${context.owner} (version ${context.version}) does not open: it was changed, copied from another owner or version, or sealed under another master key (SLUICE_MASTER_KEY or master.key in the data directory).`,
    );
  }
}

function derivedKey(context: SealContext, key: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), context.purpose, KEY_BYTES));
}

function associatedData(context: SealContext): Buffer {
  return Buffer.from(JSON.stringify([FORMAT, context.purpose, context.owner, context.version]), "utf8");
}

function sealBytes(plaintext: Buffer, context: SealContext, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", derivedKey(context, key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [FORMAT, ...[iv, body, cipher.getAuthTag()].map((part) => part.toString("base64url"))].join(".");
}

function openBytes(sealed: string, context: SealContext, key: Buffer): Buffer {
  const [format, ...parts] = sealed.split(".");
  if (format !== FORMAT || parts.length !== 3) throw new SealedValueError(context);
  const [iv, body, tag] = parts.map((part) => Buffer.from(part, "base64url"));
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedValueError(context);
  try {
    const decipher = createDecipheriv("aes-256-gcm", derivedKey(context, key), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SealedValueError(context);
  }
}

/** Seals text under the master key, or under `dataKey` when given. */
export function seal(plaintext: string, context: SealContext, dataKey: Buffer = masterKey()): string {
  return sealBytes(Buffer.from(plaintext, "utf8"), context, dataKey);
}

/** Opens what seal() returned for the same context and key. */
export function open(sealed: string, context: SealContext, dataKey: Buffer = masterKey()): string {
  return openBytes(sealed, context, dataKey).toString("utf8");
}

/** The same value sealed under another key (master-key rotation): never opened as text; one that does not open throws SealedValueError. */
export function reseal(sealed: string, context: SealContext, from: Buffer, to: Buffer): string {
  return sealBytes(openBytes(sealed, context, from), context, to);
}

/** A fresh random data key. */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Wraps a data key under the master key. */
export function wrapKey(key: Buffer, context: SealContext): string {
  return sealBytes(key, context, masterKey());
}

export function unwrapKey(wrapped: string, context: SealContext): Buffer {
  const key = openBytes(wrapped, context, masterKey());
  if (key.length !== KEY_BYTES) throw new SealedValueError(context);
  return key;
}

/** Whether a stored value is in the sealed format (older rows may hold other formats). */
export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(`${FORMAT}.`);
}
