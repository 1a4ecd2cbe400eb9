import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type Contact, contacts } from "../db/schema";
import { now } from "../lib/clock";
import { normalizeEmail } from "../lib/email-address";
import { plainLabel } from "../protocol";

/** The condition "this contact has that address" (any case; served by the index on lower(email)). */
export function contactEmailIs(email: string) {
  return eq(sql`lower(${contacts.email})`, normalizeEmail(email));
}

/** The contact with this address, as a query that can also go into a `db.batch`. */
export function contactByEmailQuery(db: Database, email: string) {
  return db.select().from(contacts).where(contactEmailIs(email)).limit(1);
}

export async function findContactByEmail(db: Database, email: string): Promise<Contact | undefined> {
  const [contact] = await contactByEmailQuery(db, email);
  return contact;
}

/**
 * The contact with this address, created if unknown. Safe under races: a concurrent insert of the
 * same address (any case) hits the unique index and this returns the row that won. A known
 * contact's name is filled in only if it had none; it is never overwritten.
 */
export async function findOrCreateContact(
  db: Database,
  input: { email: string; name?: string | null },
): Promise<Contact> {
  const at = now();
  const email = input.email.trim();
  const name = plainLabel(input.name ?? "", 200).trim() || null;
  // One round trip: the insert (a no-op when the address is known) and the read of whichever row won.
  const [, [contact]] = await db.batch([
    db
      .insert(contacts)
      .values({ id: `ct_${crypto.randomUUID().replace(/-/g, "")}`, email, name, createdAt: at, updatedAt: at })
      .onConflictDoNothing(),
    contactByEmailQuery(db, email),
  ]);
  if (!contact) throw new Error(`contact ${email} vanished after insert`);
  if (name && !contact.name) {
    await db.update(contacts).set({ name, updatedAt: at }).where(eq(contacts.id, contact.id));
    return { ...contact, name, updatedAt: at };
  }
  return contact;
}
