import { revokeGrant } from "@/lib/buckets/endpoints";

export const DELETE = revokeGrant.handle;
