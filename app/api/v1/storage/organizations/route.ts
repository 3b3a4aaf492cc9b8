import { createOrganization, listOrganizations } from "@/lib/storage/endpoints";

export const GET = listOrganizations.handle;
export const POST = createOrganization.handle;
