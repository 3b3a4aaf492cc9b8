/** E-mails (or user ids) typed into one field, separated by commas, spaces or new lines. */
export function splitPeople(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}
