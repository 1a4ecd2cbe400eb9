-- S31, S34–S36: the counts over *live* conversations (open and not snoozed), plus Snoozed, per label and
-- unseen mentions per agent; and the rows the label views page over. All kept by triggers, so the
-- statement that writes the index (or a mention) moves them atomically. Replaces 0009's triggers.
DROP TRIGGER IF EXISTS `conversations_counts_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `conversations_counts_update`;
--> statement-breakpoint
CREATE TRIGGER `conversations_counts_insert`
AFTER INSERT ON `conversations`
BEGIN
	INSERT INTO `inbox_counts` (`key`, `n`) VALUES
		('all', NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL),
		('unread', NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL AND NEW.`read` = 0),
		('unassigned', NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL AND NEW.`assignee_id` IS NULL),
		('snoozed', NEW.`status` = 'open' AND NEW.`snoozed_until` IS NOT NULL)
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || NEW.`assignee_id`, NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL WHERE NEW.`assignee_id` IS NOT NULL
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'label:' || `value`, NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL FROM json_each(NEW.`labels`) WHERE true
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `conversation_labels` (`label_id`, `conversation_id`, `last_message_at`) SELECT `value`, NEW.`id`, NEW.`last_message_at` FROM json_each(NEW.`labels`) WHERE true
	ON CONFLICT DO NOTHING;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_counts_update`
AFTER UPDATE ON `conversations`
BEGIN
	INSERT INTO `inbox_counts` (`key`, `n`) VALUES
		('all', (NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL) - (OLD.`status` = 'open' AND OLD.`snoozed_until` IS NULL)),
		('unread', (NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL AND NEW.`read` = 0) - (OLD.`status` = 'open' AND OLD.`snoozed_until` IS NULL AND OLD.`read` = 0)),
		('unassigned', (NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL AND NEW.`assignee_id` IS NULL) - (OLD.`status` = 'open' AND OLD.`snoozed_until` IS NULL AND OLD.`assignee_id` IS NULL)),
		('snoozed', (NEW.`status` = 'open' AND NEW.`snoozed_until` IS NOT NULL) - (OLD.`status` = 'open' AND OLD.`snoozed_until` IS NOT NULL))
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || OLD.`assignee_id`, -(OLD.`status` = 'open' AND OLD.`snoozed_until` IS NULL) WHERE OLD.`assignee_id` IS NOT NULL
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || NEW.`assignee_id`, NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL WHERE NEW.`assignee_id` IS NOT NULL
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'label:' || `value`, -(OLD.`status` = 'open' AND OLD.`snoozed_until` IS NULL) FROM json_each(OLD.`labels`) WHERE true
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
	INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'label:' || `value`, NEW.`status` = 'open' AND NEW.`snoozed_until` IS NULL FROM json_each(NEW.`labels`) WHERE true
	ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + excluded.`n`;
END;
--> statement-breakpoint
CREATE TRIGGER `conversation_labels_update`
AFTER UPDATE ON `conversations`
WHEN OLD.`labels` IS NOT NEW.`labels` OR (OLD.`last_message_at` IS NOT NEW.`last_message_at` AND NEW.`labels` != '[]')
BEGIN
	DELETE FROM `conversation_labels` WHERE `conversation_id` = NEW.`id`;
	INSERT INTO `conversation_labels` (`label_id`, `conversation_id`, `last_message_at`) SELECT `value`, NEW.`id`, NEW.`last_message_at` FROM json_each(NEW.`labels`) WHERE true;
END;
--> statement-breakpoint
CREATE TRIGGER `unseen_mentions_insert`
AFTER INSERT ON `unseen_mentions`
BEGIN
	INSERT INTO `inbox_counts` (`key`, `n`) VALUES ('mentions:' || NEW.`agent_id`, 1) ON CONFLICT (`key`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `unseen_mentions_delete`
AFTER DELETE ON `unseen_mentions`
BEGIN
	UPDATE `inbox_counts` SET `n` = `n` - 1 WHERE `key` = 'mentions:' || OLD.`agent_id`;
END;
--> statement-breakpoint
-- Filled again from the rows there are.
DELETE FROM `inbox_counts`;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'all', count(*) FROM `conversations` WHERE `status` = 'open' AND `snoozed_until` IS NULL;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'unread', count(*) FROM `conversations` WHERE `status` = 'open' AND `snoozed_until` IS NULL AND `read` = 0;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'unassigned', count(*) FROM `conversations` WHERE `status` = 'open' AND `snoozed_until` IS NULL AND `assignee_id` IS NULL;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'snoozed', count(*) FROM `conversations` WHERE `status` = 'open' AND `snoozed_until` IS NOT NULL;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mine:' || `assignee_id`, count(*) FROM `conversations` WHERE `status` = 'open' AND `snoozed_until` IS NULL AND `assignee_id` IS NOT NULL GROUP BY `assignee_id`;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'label:' || `label_id`, count(*) FROM `conversation_labels` JOIN `conversations` ON `conversations`.`id` = `conversation_labels`.`conversation_id` WHERE `status` = 'open' AND `snoozed_until` IS NULL GROUP BY `label_id`;
--> statement-breakpoint
INSERT INTO `inbox_counts` (`key`, `n`) SELECT 'mentions:' || `agent_id`, count(*) FROM `unseen_mentions` GROUP BY `agent_id`;
