CREATE TABLE `email_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`direction` text NOT NULL,
	`conversation_message_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_messages_conversation_idx` ON `email_messages` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `mail_set_aside` (
	`id` text PRIMARY KEY NOT NULL,
	`raw_key` text NOT NULL,
	`reason` text NOT NULL,
	`sender` text,
	`subject` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_set_aside_received_idx` ON `mail_set_aside` (`received_at`);