import { grantToApp, listAppGrants } from "@/lib/apps/endpoints";

export const GET = listAppGrants.handle;
export const POST = grantToApp.handle;
