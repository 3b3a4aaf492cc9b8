import { listBlobs } from "@/lib/storage/endpoints";

export const GET = listBlobs.handle;
