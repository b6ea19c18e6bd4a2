-- NaikKelas's database at the first migration (nk0001), with one learner's records.
-- Frozen test data for tests/unit/test_migrations.py: never regenerate it.
BEGIN TRANSACTION;
CREATE TABLE nk_accounts (
	username VARCHAR(64) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	secret_hash VARCHAR(256) NOT NULL, 
	display_name VARCHAR(200) NOT NULL, 
	cohort VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (username)
);
INSERT INTO "nk_accounts" VALUES('sitiaminah','peserta','$argon2id$v=19$m=65536,t=3,p=4$+ebWXNidKToOY68bg8Zz+A$q1VHbJLbmdYJKI/RfBiaE0FsSwtiFzJ/PtSx8nsVu20','Siti Aminah','smd-1','2026-11-23 14:58:31.060568','2026-11-23 14:58:31.060568');
CREATE TABLE nk_alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT nk_alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "nk_alembic_version" VALUES('nk0001');
CREATE TABLE nk_certificates (
	code VARCHAR(32) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	course VARCHAR(100) NOT NULL, 
	display_name VARCHAR(200) NOT NULL, 
	course_title VARCHAR(300) NOT NULL, 
	certificate_name VARCHAR(300) NOT NULL, 
	hours INTEGER NOT NULL, 
	issuer VARCHAR(200) NOT NULL, 
	issued_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	revoked_reason TEXT, 
	current_for VARCHAR(170), 
	PRIMARY KEY (code), 
	UNIQUE (current_for)
);
CREATE TABLE nk_learner_profiles (
	username VARCHAR(64) NOT NULL, 
	kelurahan VARCHAR(100) NOT NULL, 
	kecamatan VARCHAR(100) NOT NULL, 
	kota VARCHAR(100) NOT NULL, 
	region_code VARCHAR(13) NOT NULL, 
	sector VARCHAR(100) NOT NULL, 
	gender VARCHAR(1) NOT NULL, 
	age_group VARCHAR(8) NOT NULL, 
	birth_year INTEGER, 
	phone VARCHAR(20) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	last_login_at DATETIME, 
	PRIMARY KEY (username), 
	FOREIGN KEY(username) REFERENCES nk_accounts (username) ON DELETE CASCADE
);
INSERT INTO "nk_learner_profiles" VALUES('sitiaminah','Sidodadi','Samarinda Ulu','Kota Samarinda','64.71.03.1001','Kuliner','P','40-49',1980,'081234567890','2026-11-01 03:00:00.000000','2026-11-01 03:00:00.000000',NULL);
CREATE TABLE nk_lesson_state (
	username VARCHAR(64) NOT NULL, 
	course VARCHAR(100) NOT NULL, 
	lesson VARCHAR(100) NOT NULL, 
	step INTEGER NOT NULL, 
	answers TEXT NOT NULL, 
	finished BOOLEAN NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (username, course, lesson), 
	UNIQUE (username, course, lesson)
);
INSERT INTO "nk_lesson_state" VALUES('sitiaminah','pembayaran-digital','01-qris',2,'{"q1": "b"}',1,'2026-11-23 14:58:31.194092');
CREATE TABLE nk_preferences (
	username VARCHAR(64) NOT NULL, 
	large_text BOOLEAN NOT NULL, 
	high_contrast BOOLEAN NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (username)
);
INSERT INTO "nk_preferences" VALUES('sitiaminah',1,0,'2026-11-23 14:58:31.117408');
CREATE TABLE nk_progress_events (
	id INTEGER NOT NULL, 
	event_id VARCHAR(64) NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	course VARCHAR(100) NOT NULL, 
	lesson VARCHAR(100) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	question VARCHAR(100), 
	payload TEXT NOT NULL, 
	correct BOOLEAN, 
	points FLOAT, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (event_id)
);
INSERT INTO "nk_progress_events" VALUES(1,'ev-1','sitiaminah','pembayaran-digital','01-qris','answer','q1','{"answer": "b"}',1,1.0,'2026-11-23 14:58:31.156212');
INSERT INTO "nk_progress_events" VALUES(2,'ev-2','sitiaminah','pembayaran-digital','01-qris','finish',NULL,'{}',NULL,NULL,'2026-11-23 14:58:31.194990');
CREATE TABLE nk_submissions (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	course VARCHAR(100) NOT NULL, 
	lesson VARCHAR(100) NOT NULL, 
	attempt INTEGER NOT NULL, 
	event_id VARCHAR(64), 
	submitted_at DATETIME NOT NULL, 
	notebook TEXT NOT NULL, 
	answers TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	lease_until DATETIME, 
	worker VARCHAR(64), 
	tries INTEGER NOT NULL, 
	score FLOAT, 
	max_score FLOAT, 
	reason TEXT, 
	graded_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (event_id), 
	UNIQUE (username, course, lesson, attempt)
);
INSERT INTO "nk_submissions" VALUES(1,'sitiaminah','pembayaran-digital','01-qris',1,'sub-1','2026-11-23 14:58:31.222901','{"cells": []}','{"q1": "b"}','queued',NULL,NULL,0,NULL,NULL,NULL,NULL);
CREATE INDEX ix_nk_certificates_username ON nk_certificates (username);
CREATE INDEX ix_nk_progress_events_created_at ON nk_progress_events (created_at);
CREATE INDEX ix_nk_progress_events_username ON nk_progress_events (username);
CREATE INDEX ix_nk_submissions_status ON nk_submissions (status);
CREATE INDEX ix_nk_submissions_username ON nk_submissions (username);
COMMIT;
