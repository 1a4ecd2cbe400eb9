-- S31: the inbox's counts over open conversations, kept by the statements that write the index (these
-- triggers fire inside them, atomically), so reading them reads a handful of rows whatever the backlog.
-- Conversations are never deleted (S8), so insert and update are every change there is. If a later
-- migration rebuilds the conversations table, it must recreate these triggers (a test checks them).
CREATE TRIGGER `conversations_counts_insert`
AFTER INSERT ON `conversations`
BEGIN
	INSERT INTO `inbox_counts` (`key`, `n`) VALUES
		('all', NEW.`status` = 'open'),
		('unread', NEW.`status` = 'open' AND NEW.`read` = 0),
		('unassigned', NEW.`status` = 'open' AND NEW.`assignee_id` IS NULL)
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || NEW.`assignee_id`, NEW.`status` = 'open' WHERE NEW.`assignee_id` IS NOT NULL
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_counts_update`
AFTER UPDATE ON `conversations`
BEGIN
	INSERT INTO `inbox_counts` (`key`, `n`) VALUES
		('all', (NEW.`status` = 'open') - (OLD.`status` = 'open')),
		('unread', (NEW.`status` = 'open' AND NEW.`read` = 0) - (OLD.`status` = 'open' AND OLD.`read` = 0)),
		('unassigned', (NEW.`status` = 'open' AND NEW.`assignee_id` IS NULL) - (OLD.`status` = 'open' AND OLD.`assignee_id` IS NULL))
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || OLD.`assignee_id`, -(OLD.`status` = 'open') WHERE OLD.`assignee_id` IS NOT NULL
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || NEW.`assignee_id`, NEW.`status` = 'open' WHERE NEW.`assignee_id` IS NOT NULL
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
END;
--> statement-breakpoint
-- Filled from the rows there are.
INSERT INTO `inbox_counts` (`key`, `n`)
SELECT 'all', count(*) FROM `conversations` WHERE `status` = 'open'
UNION ALL SELECT 'unread', count(*) FROM `conversations` WHERE `status` = 'open' AND `read` = 0
UNION ALL SELECT 'unassigned', count(*) FROM `conversations` WHERE `status` = 'open' AND `assignee_id` IS NULL
UNION ALL SELECT 'mine:' || `assignee_id`, count(*) FROM `conversations` WHERE `status` = 'open' AND `assignee_id` IS NOT NULL GROUP BY `assignee_id`;
