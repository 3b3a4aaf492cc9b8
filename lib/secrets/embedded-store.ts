import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { instanceSetting, randomToken } from "@/lib/auth/secrets";

/**
 * The embedded secret store: AES-256-GCM with a key from SLUICE_SECRET_KEY, else one generated at
 * first use and kept in the database (set SLUICE_SECRET_KEY in production so the key lives apart from the data).
 */
async function key() {
  const material = process.env.SLUICE_SECRET_KEY || (await instanceSetting("secret-key", () => randomToken(32)));
  return createHash("sha256").update(material).digest();
}

export async function seal(plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await key(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

export async function unseal(sealed: string): Promise<string> {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1") throw new Error("unknown secret format");
  const decipher = createDecipheriv("aes-256-gcm", await key(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}
