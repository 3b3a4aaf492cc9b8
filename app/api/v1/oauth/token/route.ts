import { issueToken } from "@/lib/auth/endpoints";

export const POST = issueToken.handle;
