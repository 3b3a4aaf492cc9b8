import Link from "next/link";
import { Button } from "./button";

/** "Next page" for cursor pagination: the current filters plus the cursor, on the same path. */
export function NextPageLink({ path, search, cursor, label = "Next page" }: { path: string; search: Record<string, string | undefined>; cursor: string | null; label?: string }) {
  if (!cursor) return null;
  const params = new URLSearchParams(Object.entries({ ...search, cursor }).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return (
    <div className="mt-4 flex justify-end">
      <Button asChild variant="secondary">
        <Link href={`${path}?${params}`}>{label}</Link>
      </Button>
    </div>
  );
}
