/**
 * The object an Email Worker receives, around raw bytes (as Email Routing hands them over). `outcome`
 * records a rejection. Shared by the worker tests and the bench's email door.
 */
export function forwardable(raw: Uint8Array, from: string, to: string) {
  const outcome = { rejected: null as string | null };
  const message = {
    raw: new Blob([raw as Uint8Array<ArrayBuffer>]).stream(),
    rawSize: raw.byteLength,
    headers: new Headers(),
    from,
    to,
    setReject: (reason: string) => {
      outcome.rejected = reason;
    },
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  return { message, outcome };
}
