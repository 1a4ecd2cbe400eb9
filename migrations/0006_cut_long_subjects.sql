-- S28: subjects are cut to 1,000 characters at ingest (the raw mail stays in R2); this cuts the ones
-- stored before, so no list response carries a megabyte subject again. Hand-written: no schema change.
UPDATE `conversations` SET `subject` = substr(`subject`, 1, 1000) WHERE length(`subject`) > 1000;
