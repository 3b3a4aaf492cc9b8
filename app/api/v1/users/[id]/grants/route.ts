import { getUserGrants } from "@/lib/buckets/endpoints";

export const GET = getUserGrants.handle;
