CREATE TABLE `conversation_labels` (
	`label_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`last_message_at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `label_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_labels_activity_idx` ON `conversation_labels` (`label_id`,`last_message_at`,`conversation_id`);--> statement-breakpoint
CREATE TABLE `labels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`color` text NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `labels_name_unique` ON `labels` (lower("name"));--> statement-breakpoint
CREATE TABLE `unseen_mentions` (
	`agent_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `conversation_id`)
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `snoozed_until` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `labels` text DEFAULT '[]' NOT NULL;