/**
 * What the widget keeps on the visitor's device (S14), in the host site's localStorage under the
 * worker's origin: the device id the server issued, the device's conversation, whether it has any
 * messages yet (only then does a page load connect), and how far the visitor has read per conversation.
 */
export interface Saved {
  deviceId?: string;
  conversationId?: string;
  hasMessages?: boolean;
  reads?: Record<string, number>;
}

export function loadSaved(key: string): Saved {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? "{}") as unknown;
    return value && typeof value === "object" ? (value as Saved) : {};
  } catch {
    return {}; // storage blocked (privacy settings) or corrupt: behave as a new device
  }
}

export function storeSaved(key: string, saved: Saved): void {
  try {
    localStorage.setItem(key, JSON.stringify(saved));
  } catch {}
}
