import type { Principal } from "@/lib/auth/principal";
import { createOrganization } from "../organizations";
import type { Confidentiality } from "../schema";
import { startAzurite, type Azurite } from "./azurite.mjs";

let shared: Promise<Azurite> | undefined;

/**
 * One Azurite for this test process, started at first use, its endpoints allowed for organizations
 * (SLUICE_STORAGE_BLOB_ENDPOINTS). It ends with the process (see azurite.mjs).
 */
export function testAzurite(): Promise<Azurite> {
  shared ??= startAzurite().then((azurite) => {
    process.env.SLUICE_STORAGE_BLOB_ENDPOINTS = `${azurite.origin}/{account}`;
    return azurite;
  });
  return shared;
}

/** An organization on one of Azurite's accounts (one organization per account and tenant). */
export async function testOrganization(admin: Principal, name: string, options: { account?: string; confidentiality?: Confidentiality } = {}) {
  const azurite = await testAzurite();
  const account = options.account ?? azurite.accounts[0];
  return createOrganization(admin, {
    name,
    confidentiality: options.confidentiality ?? "private",
    connection: { accountName: account, accountKey: azurite.key, blobEndpoint: azurite.endpoint(account) },
  });
}
