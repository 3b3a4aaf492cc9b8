import { uploadSas } from "@/lib/storage/endpoints";

export const POST = uploadSas.handle;
