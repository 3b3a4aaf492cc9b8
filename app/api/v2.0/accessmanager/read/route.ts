import { read } from "@/lib/storage/access-manager";

export const POST = read.handle;
