import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;

function createDatabase(d1: D1Database) {
  return drizzle(d1, { schema });
}

// drizzle rebuilds its relational config from the whole schema on every `drizzle()` call, which
// profiled as a tenth of an inbound mail's CPU; one instance per binding (the binding outlives requests).
const instances = new WeakMap<D1Database, Database>();

export function database(d1: D1Database): Database {
  let db = instances.get(d1);
  if (!db) {
    db = createDatabase(d1);
    instances.set(d1, db);
  }
  return db;
}
