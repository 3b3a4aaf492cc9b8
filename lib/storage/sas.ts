import { LRUCache } from "lru-cache";
import type { z } from "zod";
import { database } from "@/db/client";
import { LOADING_ZONE, type SpaceAction } from "@/lib/access/actions";
import { recordAudit } from "@/lib/audit/service";
import type { Principal } from "@/lib/auth/principal";
import { parseInput } from "@/lib/validation";
import { accountOf, containerUrl, signContainerSas } from "./account";
import { sasCacheBufferMinutes, sasCacheEnabled, sasExpiryMinutes, type SasExpiryClass } from "./config";
import { enterSpace } from "./guard";
import { targetQuery, type SasKind, type SasToken } from "./schema";

/**
 * The seed's four tokens: what each needs of the caller in the space it names, which container it
 * opens (an upload goes to the loading zone, `upload-main` to the space itself), its permissions and
 * which configured lifetime it has.
 */
export const SAS_KIND_RULES: Record<SasKind, { action: SpaceAction; container: "space" | "loading zone"; permissions: string; expiry: SasExpiryClass }> = {
  read: { action: "space.read", container: "space", permissions: "rl", expiry: "read" },
  upload: { action: "space.upload", container: "loading zone", permissions: "racwl", expiry: "write" },
  "upload-main": { action: "space.upload_main", container: "space", permissions: "racwl", expiry: "write" },
  delete: { action: "space.delete_blobs", container: "space", permissions: "racwdl", expiry: "delete" },
};

type Issued = Omit<SasToken, "kind">;

/** Tokens by organization (and its key's version), space and kind; a token serves every caller allowed it. */
const cache = new LRUCache<string, Issued>({ max: 10_000 });
let now = () => new Date();

/** Tests only: the clock tokens are issued and aged by (none: the system's again). */
export function useSasClock(clock?: () => Date) {
  now = clock ?? (() => new Date());
  cache.clear();
}

const usable = (issued: Issued) => new Date(issued.expiresOn).getTime() - now().getTime() > sasCacheBufferMinutes() * 60_000;

function sign(org: Parameters<typeof accountOf>[0], container: string, rule: (typeof SAS_KIND_RULES)[SasKind]): Issued {
  const expiresOn = new Date(now().getTime() + sasExpiryMinutes(rule.expiry) * 60_000);
  const account = accountOf(org);
  const token = signContainerSas(account, container, rule.permissions, expiresOn);
  return { url: `${containerUrl(account, container)}?${token}`, token, container, permissions: rule.permissions, expiresOn: expiresOn.toISOString() };
}

/**
 * A container SAS for what the caller may do in a space (the seed's read / upload / upload-main /
 * delete). The same token is handed out again until less than the cache buffer of its life is left.
 * Every issuance is audited: who, which kind, which space — never the token.
 */
export async function issueSas(p: Principal, kind: SasKind, input: z.input<typeof targetQuery>): Promise<SasToken> {
  const target = parseInput(targetQuery, input, "The query string is not valid.", "query");
  const rule = SAS_KIND_RULES[kind];
  const { org, space } = await enterSpace(p, target.organization, target.space, rule.action);
  const container = rule.container === "loading zone" ? LOADING_ZONE : space.name;
  const key = `${org.id}:${org.updatedAt.getTime()}:${space.name}:${kind}`;
  const cached = sasCacheEnabled() ? cache.get(key) : undefined;
  const issued = cached && usable(cached) ? cached : sign(org, container, rule);
  if (issued !== cached && sasCacheEnabled()) cache.set(key, issued);
  const db = await database();
  await recordAudit(db, p, {
    action: "storage.sas_issued",
    targetType: "storage_space",
    targetId: space.id,
    workspaceId: space.workspaceId,
    after: { kind, organization: org.name, space: space.name, container, expiresOn: issued.expiresOn },
  });
  return { kind, ...issued };
}
