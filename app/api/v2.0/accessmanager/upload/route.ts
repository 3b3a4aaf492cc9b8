import { upload } from "@/lib/storage/access-manager";

export const POST = upload.handle;
