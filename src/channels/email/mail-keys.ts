/** Where a message's sanitised HTML and attachments live in R2 (raw mail lives under raw/). */
export function mailKey(conversationId: string, messageId: string, part: string): string {
  return `mail/${conversationId}/${messageId}/${part}`;
}
