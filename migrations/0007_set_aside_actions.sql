ALTER TABLE `mail_set_aside` ADD `dismissed_at` integer;--> statement-breakpoint
ALTER TABLE `mail_set_aside` ADD `conversation_id` text;