import { createBucket, listBuckets } from "@/lib/buckets/endpoints";

export const GET = listBuckets.handle;
export const POST = createBucket.handle;
