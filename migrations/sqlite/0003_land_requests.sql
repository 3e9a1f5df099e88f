-- The write side: accounts, sessions, land requests with their history, the parcels an open
-- request holds, and the append-only audit log. None of these tables is registered in
-- gpkg_contents: they hold personal data (national ids, phones) or credentials, which a
-- GeoPackage reader (QGIS, ogr2ogr) must not be offered as layers.

-- A stable parcel id: a new version of the same parcel (a deed update) keeps it; a split or
-- merge makes new parcels with new ids. It starts as the fid of the parcel's first version.
ALTER TABLE parcels ADD COLUMN parcel_id INTEGER;
UPDATE parcels SET parcel_id = fid;
CREATE INDEX parcels_parcel_id ON parcels(parcel_id);
CREATE TRIGGER parcels_parcel_id AFTER INSERT ON parcels WHEN NEW.parcel_id IS NULL
BEGIN
  UPDATE parcels SET parcel_id = NEW.fid WHERE fid = NEW.fid;
END;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  name_ar TEXT,
  name_en TEXT,
  national_id TEXT,
  phone TEXT,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at TEXT NOT NULL
);

-- Sessions keep only the SHA-256 of the token: a copy of the store gives no one a session.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE requests (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('submitted', 'in_review', 'returned', 'approved', 'rejected', 'withdrawn')),
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
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX requests_status ON requests(status);
CREATE INDEX requests_submitted_by ON requests(submitted_by);

CREATE TABLE request_events (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  actor INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  at TEXT NOT NULL,
  comment TEXT
);
CREATE INDEX request_events_request ON request_events(request_id);

-- A parcel is in at most one open request: the primary key refuses a second claim, also when
-- two arrive at the same moment (writers are serialised).
CREATE TABLE open_request_parcels (
  parcel_fid INTEGER PRIMARY KEY REFERENCES parcels(fid),
  request_id INTEGER NOT NULL REFERENCES requests(id)
);
CREATE INDEX open_request_parcels_request ON open_request_parcels(request_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor INTEGER,
  actor_name TEXT,
  role TEXT,
  action TEXT NOT NULL,
  request_id INTEGER,
  fids_before TEXT NOT NULL DEFAULT '[]',
  fids_after TEXT NOT NULL DEFAULT '[]',
  client TEXT,
  detail TEXT
);
CREATE INDEX audit_log_request ON audit_log(request_id);
CREATE INDEX audit_log_actor ON audit_log(actor);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
