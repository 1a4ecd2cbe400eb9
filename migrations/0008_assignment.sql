CREATE TABLE `inbox_counts` (
	`key` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `workspace_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `agents` ADD `availability` text DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `assignee_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `assignee_name` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `assigned_at` integer;--> statement-breakpoint
CREATE INDEX `conversations_assignee_activity_idx` ON `conversations` (`assignee_id`,`last_message_at`,`id`);