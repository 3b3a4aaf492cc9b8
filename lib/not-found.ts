import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

/** Loads for a page; a 404 from the service renders Next's not-found page. */
export async function loadOr404<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
}
