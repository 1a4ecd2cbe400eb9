-- S8: conversations cannot be deleted, by any route, role or stray SQL.
-- If a later migration rebuilds the conversations table (drizzle-kit does so for some column changes),
-- the trigger goes with the old table: that migration must recreate it. A test checks it after all migrations.
CREATE TRIGGER `conversations_no_delete`
BEFORE DELETE ON `conversations`
BEGIN
	SELECT RAISE(ABORT, 'conversations cannot be deleted');
END;
