"use server";

import type { z } from "zod";
import { serverAction } from "@/lib/actions/action";
import * as grants from "./grants";
import type { bucketGrantInput, createBucketInput, updateBucketInput } from "./schema";
import * as buckets from "./service";

/** The Buckets pages' server actions: the same service functions as the REST API. */
type BucketRef = { bucketId: string };

export const createBucketAction = serverAction((principal, input: z.input<typeof createBucketInput>) => buckets.createBucket(principal, input), { revalidate: "/buckets" });
export const updateBucketAction = serverAction((principal, input: { id: string } & z.input<typeof updateBucketInput>) => buckets.updateBucket(principal, input), { revalidate: "/buckets" });
export const deleteBucketAction = serverAction((principal, input: { id: string }) => buckets.deleteBucket(principal, input), { revalidate: "/buckets" });
export const grantBucketAction = serverAction((principal, input: BucketRef & z.input<typeof bucketGrantInput>) => grants.grantBucket(principal, input), { revalidate: "/buckets" });
/** Revoking is the bucket's decision; the app and user pages that list grants refresh too. */
export const revokeGrantAction = serverAction((principal, input: BucketRef & { grantId: string }) => grants.revokeGrant(principal, input), { revalidate: "/" });
