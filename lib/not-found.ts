import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

/** Loads for a page; a 404 from the service, or a 403 (a page the caller's role does not open), renders Next's not-found page. */
export async function loadOr404<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof AppError && (error.status === 404 || error.status === 403)) notFound();
    throw error;
  }
}
