/** Runs each check of a setting; answers the message of every one that throws (for start-up checks). */
export function problemsOf(checks: (() => unknown)[]): string[] {
  return checks.flatMap((check) => {
    try {
      check();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}
