-- Deed updates, survey sketches and (next) plan approvals on the same request engine.
-- New statuses ('requested': an owner asked for a survey sketch that no surveyor has prepared
-- yet; 'technical_approved': a plan passed the planners' technical review and awaits the
-- committee), and per request: the surveyor who prepares it, the kind's own details (the deed,
-- the surveyed corners, the acceptances a planner recorded) and, once issued, the serial.
--
-- SQLite cannot change a CHECK constraint in place, and migrations run inside one transaction
-- with foreign keys on. So the table is rebuilt in an order that never leaves a child row
-- pointing at a dropped parent: the children are rebuilt pointing at the new table, the old
-- table (now without children) is dropped, and renaming the new one rewrites the children's
-- references.

CREATE TABLE requests_new (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('requested', 'submitted', 'in_review', 'technical_approved', 'returned', 'approved', 'rejected', 'withdrawn')),
  submitted_by INTEGER NOT NULL REFERENCES users(id),
  reviewer INTEGER REFERENCES users(id),
  parcels TEXT NOT NULL,
  proposed TEXT NOT NULL,
  crs TEXT NOT NULL,
  note TEXT,
  checks TEXT NOT NULL,
  created_fids TEXT NOT NULL DEFAULT '[]',
  retired_fids TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  surveyor INTEGER REFERENCES users(id),
  details TEXT NOT NULL DEFAULT '{}',
  serial TEXT UNIQUE,
  issued_at TEXT
);
INSERT INTO requests_new (id, kind, status, submitted_by, reviewer, parcels, proposed, crs, note,
  checks, created_fids, retired_fids, created_at, updated_at, version, surveyor)
SELECT id, kind, status, submitted_by, reviewer, parcels, proposed, crs, note, checks,
  created_fids, retired_fids, created_at, updated_at, version, submitted_by
FROM requests;

CREATE TABLE request_events_new (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests_new(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  at TEXT NOT NULL,
  comment TEXT
);
INSERT INTO request_events_new SELECT id, request_id, from_status, to_status, actor, role, at, comment
FROM request_events;
DROP TABLE request_events;
ALTER TABLE request_events_new RENAME TO request_events;
CREATE INDEX request_events_request ON request_events(request_id);

CREATE TABLE open_request_parcels_new (
  parcel_fid INTEGER PRIMARY KEY REFERENCES parcels(fid),
  request_id INTEGER NOT NULL REFERENCES requests_new(id)
);
INSERT INTO open_request_parcels_new SELECT parcel_fid, request_id FROM open_request_parcels;
DROP TABLE open_request_parcels;
ALTER TABLE open_request_parcels_new RENAME TO open_request_parcels;
CREATE INDEX open_request_parcels_request ON open_request_parcels(request_id);

DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;
CREATE INDEX requests_status ON requests(status);
CREATE INDEX requests_submitted_by ON requests(submitted_by);
CREATE INDEX requests_surveyor ON requests(surveyor);

-- Secrets the server keeps in its store: the key that signs issued documents' verification
-- codes (a forged or altered sketch does not verify). Made once, here, from SQLite's CSPRNG.
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO secrets (name, value) VALUES ('document_signing_key', lower(hex(randomblob(32))));
