import { deleteParameter } from "@/lib/apps/endpoints";

export const DELETE = deleteParameter.handle;
