-- Documents attached to land requests (deeds, survey plans, photographs, drawings): the bytes
-- as uploaded, their SHA-256, and the kind told from the bytes. Not registered in gpkg_contents:
-- like the other write-side tables, they may hold personal data.
CREATE TABLE request_documents (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  media_type TEXT NOT NULL
    CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/vnd.dxf')),
  file_name TEXT NOT NULL,
  title TEXT,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  uploaded_by INTEGER NOT NULL REFERENCES users(id),
  uploaded_at TEXT NOT NULL,
  bytes BLOB NOT NULL
);
-- The same content once per request.
CREATE UNIQUE INDEX request_documents_content ON request_documents(request_id, sha256);
