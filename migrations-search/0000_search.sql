-- S41: the search index, in a D1 database of its own (binding SEARCH): `wrangler d1 export` refuses a
-- database that holds an FTS5 table, and the main one must stay exportable. Written by the inbox feed in
-- the same group commit as the main index (src/search/documents.ts); never read by the list.

-- What the filters need of each conversation (is:, assignee:, label:), and the summary a hit shows.
-- A copy of the main index's row, written with it, newer versions only.
CREATE TABLE search_conversations (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  snoozed_until INTEGER,
  assignee_id TEXT,
  labels TEXT NOT NULL DEFAULT '[]',
  summary TEXT NOT NULL
);

-- One row per indexed item, keyed by (conversation, seq) so that writing it again replaces it. seq 0 is
-- the conversation itself (contact name and address, subject). `id` is the FTS row id, time-ordered
-- (created_at * 2^20 + a counter within the millisecond), so "newest first" is the index's own order and
-- before:/after: are row id ranges.
CREATE TABLE search_messages (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  -- customer | reply | note | conversation
  kind TEXT NOT NULL,
  -- chat | email | messenger, or note
  channel TEXT NOT NULL,
  author_kind TEXT,
  author_name TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq)
);

-- The words: the item's text, and who wrote it (names and addresses, for from:). unicode61 with
-- diacritics removed (chosen by measurement: see README, Search); CJK text is split into characters
-- before it gets here (src/search/text.ts).
-- Prefix indexes for 2 and 3 characters: without them a short prefix* merges the lists of every word it
-- starts (measured: p99 240 ms over a million messages for a 3-letter prefix; see README, Search).
CREATE VIRTUAL TABLE search_fts USING fts5(
  text, author, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

-- The backfill's progress (scripts/search-backfill.mjs): the last conversation id it finished.
CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
