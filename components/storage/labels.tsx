import { Badge } from "@/components/ui/card";
import type { Confidentiality } from "@/lib/storage/schema";

const TONE = { public: "ok", internal: "accent", private: "warn" } as const;

export function ConfidentialityBadge({ value }: { value: Confidentiality }) {
  return <Badge tone={TONE[value]}>{value}</Badge>;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
