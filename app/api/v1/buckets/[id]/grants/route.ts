import { grantBucket, listBucketGrants } from "@/lib/buckets/endpoints";

export const GET = listBucketGrants.handle;
export const POST = grantBucket.handle;
