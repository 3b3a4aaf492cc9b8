import { deleteBucket, getBucket, updateBucket } from "@/lib/buckets/endpoints";

export const GET = getBucket.handle;
export const PATCH = updateBucket.handle;
export const DELETE = deleteBucket.handle;
