import path from "node:path";

export type Environment = Record<string, string | undefined>;

/** Where Sluice keeps local state (the embedded database, its socket, the master key file): `SLUICE_DATA_DIR`, else `.data/`. */
export function dataDir(env: Environment = process.env): string {
  return path.resolve(/*turbopackIgnore: true*/ env.SLUICE_DATA_DIR || path.join(process.cwd(), ".data"));
}
