-- Notifications: everyone concerned by a step of a land request hears of it. The step writes
-- its notifications here in its own transaction (an outbox): a step that rolls back leaves
-- none, a step that commits cannot lose them. A sender delivers them afterwards.
ALTER TABLE users ADD COLUMN email TEXT;

-- One message to one user about one step, in Arabic and English (what the inbox lists).
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  request_id INTEGER REFERENCES requests(id),
  event TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('submitter', 'surveyor', 'owner', 'reviewer', 'queue')),
  subject_ar TEXT NOT NULL,
  subject_en TEXT NOT NULL,
  body_ar TEXT NOT NULL,
  body_en TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- Each way the message goes out. The idempotency key goes with every attempt (the e-mail's
-- Message-ID, the SMS gateway's Idempotency-Key), so a message sent again after a crash between
-- the send and its acknowledgement is recognised by the receiver. A sender holds a delivery
-- while it sends (claimed_until), so that two senders never send one delivery at once.
CREATE TABLE notification_deliveries (
  id INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  address TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT NOT NULL,
  claimed_until TEXT,
  last_error TEXT,
  sent_at TEXT
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(status, next_attempt_at);
CREATE INDEX notification_deliveries_of ON notification_deliveries(notification_id);
