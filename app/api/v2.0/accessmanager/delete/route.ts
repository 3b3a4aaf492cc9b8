import { remove } from "@/lib/storage/access-manager";

export const POST = remove.handle;
