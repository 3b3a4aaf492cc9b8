import { readSas } from "@/lib/storage/endpoints";

export const POST = readSas.handle;
