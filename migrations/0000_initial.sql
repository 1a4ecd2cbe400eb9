CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text DEFAULT 'agent' NOT NULL,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "agents_role_check" CHECK("agents"."role" in ('admin', 'agent'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_email_unique` ON `agents` (lower("email"));--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_email_unique` ON `contacts` (lower("email"));--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`contact_id` text,
	`visitor_key` text,
	`messenger_psid` text,
	`status` text DEFAULT 'open' NOT NULL,
	`read` integer DEFAULT false NOT NULL,
	`subject` text,
	`last_message_preview` text,
	`last_message_at` integer NOT NULL,
	`last_inbound_at` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "conversations_channel_check" CHECK("conversations"."channel" in ('chat', 'email', 'messenger')),
	CONSTRAINT "conversations_status_check" CHECK("conversations"."status" in ('open', 'complete'))
);
--> statement-breakpoint
CREATE INDEX `conversations_activity_idx` ON `conversations` (`last_message_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_status_activity_idx` ON `conversations` (`status`,`last_message_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_channel_activity_idx` ON `conversations` (`channel`,`last_message_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_unread_activity_idx` ON `conversations` (`last_message_at`,`id`) WHERE "conversations"."read" = 0;--> statement-breakpoint
CREATE INDEX `conversations_contact_idx` ON `conversations` (`contact_id`,`last_message_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_visitor_unique` ON `conversations` (`visitor_key`) WHERE "conversations"."visitor_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_messenger_unique` ON `conversations` (`messenger_psid`) WHERE "conversations"."messenger_psid" is not null;--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_agent_idx` ON `sessions` (`agent_id`);