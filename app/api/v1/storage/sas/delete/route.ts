import { deleteSas } from "@/lib/storage/endpoints";

export const POST = deleteSas.handle;
