import { callHook } from "@/lib/engine/triggers/endpoints";

export const POST = callHook.handle;
