import { uploadMainSas } from "@/lib/storage/endpoints";

export const POST = uploadMainSas.handle;
