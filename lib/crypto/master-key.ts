import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir, type Environment } from "../data-dir";

/**
 * The master key seals every key Sluice keeps in its database (lib/crypto/envelope.ts), so it never
 * lives there itself: it comes from SLUICE_MASTER_KEY, else from `<data dir>/master.key`, created at
 * first start. Both hold 32 random bytes as 64 hex characters or as base64 (`openssl rand -base64 32`).
 */
const MASTER_KEY_BYTES = 32;
const FILE_NAME = "master.key";

export class MasterKeyError extends Error {}

function decode(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  return bytes.length === MASTER_KEY_BYTES ? bytes : undefined;
}

const formatProblem = (source: string) =>
  `${source} must be ${MASTER_KEY_BYTES} random bytes as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`).`;

function parse(text: string, source: string): Buffer {
  const key = decode(text);
  if (!key) throw new MasterKeyError(formatProblem(source));
  return key;
}

/** What is wrong with SLUICE_MASTER_KEY, in one line, if it is set and not a valid key (for start-up checks). */
export function masterKeyProblem(env: Environment = process.env): string | undefined {
  return env.SLUICE_MASTER_KEY && !decode(env.SLUICE_MASTER_KEY) ? formatProblem("SLUICE_MASTER_KEY") : undefined;
}

function readKeyFile(file: string): Buffer | undefined {
  try {
    return parse(readFileSync(file, "utf8"), `The master key file ${file}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Creates the key file: written whole to a private temporary file, then hard-linked into place,
 * which fails if another process (a server worker, the CLI) got there first; then everyone reads the winner.
 */
function createKeyFile(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, `${randomBytes(MASTER_KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readKeyFile(file)!;
}

/** Where the master key lives when SLUICE_MASTER_KEY is not set. */
export const masterKeyFile = (env: Environment = process.env) => path.join(dataDir(env), FILE_NAME);

/** Reads the master key from `env` (SLUICE_MASTER_KEY, else the key file in its data directory), creating the file if need be. */
export function loadMasterKey(env: Environment = process.env): Buffer {
  if (env.SLUICE_MASTER_KEY) return parse(env.SLUICE_MASTER_KEY, "SLUICE_MASTER_KEY");
  const file = masterKeyFile(env);
  return readKeyFile(file) ?? createKeyFile(file);
}

const holder = globalThis as unknown as { __sluiceMasterKey?: Buffer };

/** This process's master key (read once). */
export function masterKey(): Buffer {
  return (holder.__sluiceMasterKey ??= loadMasterKey());
}
