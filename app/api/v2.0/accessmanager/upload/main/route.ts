import { uploadMain } from "@/lib/storage/access-manager";

export const POST = uploadMain.handle;
