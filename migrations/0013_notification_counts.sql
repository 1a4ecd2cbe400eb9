-- S39: each agent's unread notifications, counted by the statements that write them.
CREATE TRIGGER `notifications_counts_insert`
AFTER INSERT ON `notifications`
WHEN NEW.`read_at` IS NULL
BEGIN
	INSERT INTO `inbox_counts` (`key`, `n`) VALUES ('notifications:' || NEW.`agent_id`, 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `notifications_counts_read`
AFTER UPDATE OF `read_at` ON `notifications`
WHEN OLD.`read_at` IS NULL AND NEW.`read_at` IS NOT NULL
BEGIN
	UPDATE `inbox_counts` SET `n` = `n` - 1 WHERE `key` = 'notifications:' || NEW.`agent_id`;
END;
