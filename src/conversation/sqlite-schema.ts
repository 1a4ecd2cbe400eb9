/**
 * The conversation object's own SQLite schema. Each entry runs once, in order, when an object wakes
 * with an older schema (objects created under every earlier version must keep working).
 */
export const MIGRATIONS: string[][] = [
  [
    `CREATE TABLE conversation (
      id TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'open',
      read INTEGER NOT NULL DEFAULT 0,
      contact TEXT,
      subject TEXT,
      preview TEXT,
      visitor_key TEXT,
      messenger_psid TEXT,
      created_at INTEGER NOT NULL,
      last_message_at INTEGER,
      last_inbound_at INTEGER,
      version INTEGER NOT NULL DEFAULT 0,
      indexed_version INTEGER NOT NULL DEFAULT 0,
      index_attempts INTEGER NOT NULL DEFAULT 0,
      index_retry_at INTEGER,
      visitor_online INTEGER NOT NULL DEFAULT 0,
      visitor_offline_at INTEGER
    )`,
    `CREATE TABLE messages (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      client_id TEXT UNIQUE,
      channel TEXT NOT NULL,
      direction TEXT NOT NULL,
      author_kind TEXT NOT NULL,
      author_id TEXT,
      author_name TEXT,
      text TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'sent'
    )`,
  ],
  // v2, Messenger: the id a message has on an external channel (a Messenger mid) — how redeliveries
  // and echoes are recognised — the reason a send failed, and a name for people who are not contacts.
  [
    "ALTER TABLE messages ADD COLUMN external_id TEXT",
    "CREATE UNIQUE INDEX messages_external_id ON messages (external_id) WHERE external_id IS NOT NULL",
    "ALTER TABLE messages ADD COLUMN error TEXT",
    "ALTER TABLE conversation ADD COLUMN person_name TEXT",
  ],
  // v3, email: subject, sender, quoted history, HTML and attachments of an email message, as JSON.
  ["ALTER TABLE messages ADD COLUMN email TEXT"],
  // v4, the timeline's kinds (customer, reply, note, event) and what a note or an event carries, as JSON.
  // Notes and events have no channel: they are stored with channel and direction 'internal'.
  [
    "ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'customer'",
    "UPDATE messages SET kind = 'reply' WHERE direction = 'outbound'",
    "ALTER TABLE messages ADD COLUMN detail TEXT",
  ],
  // v5, ownership (S31): the assignee as JSON ({id, name}) and when it was assigned.
  ["ALTER TABLE conversation ADD COLUMN assignee TEXT", "ALTER TABLE conversation ADD COLUMN assigned_at INTEGER"],
  // v6, labels (S35, a JSON array of ids) and snooze (S36).
  [
    "ALTER TABLE conversation ADD COLUMN labels TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE conversation ADD COLUMN snoozed_until INTEGER",
  ],
  // v7, search (S41): the items up to this seq are confirmed in the search index. Objects older than search
  // start at 0: the backfill (or their next change) sends everything they hold.
  ["ALTER TABLE conversation ADD COLUMN indexed_seq INTEGER NOT NULL DEFAULT 0"],
];

export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const current = row?.version ?? 0;
  for (let v = current; v < MIGRATIONS.length; v++) {
    for (const statement of MIGRATIONS[v]!) sql.exec(statement);
  }
  if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", MIGRATIONS.length);
  else if (current < MIGRATIONS.length) sql.exec("UPDATE schema_version SET version = ?", MIGRATIONS.length);
}
