import { createSpace, listSpaces } from "@/lib/storage/endpoints";

export const GET = listSpaces.handle;
export const POST = createSpace.handle;
