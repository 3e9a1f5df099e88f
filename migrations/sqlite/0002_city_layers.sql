-- The city's feature tables. Every feature has a lifespan (valid_from/valid_to, ISO 8601 UTC,
-- NULL valid_from = since before the register, NULL valid_to = current), the source's identifier
-- (unique among current features) and the source's other properties as a JSON object.

CREATE TABLE districts (
  fid INTEGER PRIMARY KEY,
  geom MULTIPOLYGON NOT NULL,
  source_id TEXT,
  name_ar TEXT,
  name_en TEXT,
  city TEXT,
  area_m2 REAL NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  properties TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX districts_current_source_id ON districts(source_id) WHERE valid_to IS NULL AND source_id IS NOT NULL;

CREATE TABLE plans (
  fid INTEGER PRIMARY KEY,
  geom MULTIPOLYGON NOT NULL,
  source_id TEXT,
  plan_no TEXT NOT NULL,
  name TEXT,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'under_review', 'approved', 'cancelled')),
  approved_on DATE,
  area_m2 REAL NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  properties TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX plans_current_source_id ON plans(source_id) WHERE valid_to IS NULL AND source_id IS NOT NULL;
CREATE INDEX plans_plan_no ON plans(plan_no);

CREATE TABLE streets (
  fid INTEGER PRIMARY KEY,
  geom MULTILINESTRING NOT NULL,
  source_id TEXT,
  name_ar TEXT,
  name_en TEXT,
  width_m REAL CHECK (width_m IS NULL OR (width_m > 0 AND width_m <= 200)),
  length_m REAL NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  properties TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX streets_current_source_id ON streets(source_id) WHERE valid_to IS NULL AND source_id IS NOT NULL;

CREATE TABLE parcels (
  fid INTEGER PRIMARY KEY,
  geom POLYGON NOT NULL,
  source_id TEXT,
  parcel_no TEXT NOT NULL,
  plan_no TEXT,
  block_no TEXT,
  district TEXT,
  land_use TEXT,
  deed_no TEXT,
  deed_date DATE,
  official_area_m2 REAL,
  area_m2 REAL NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  properties TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX parcels_current_source_id ON parcels(source_id) WHERE valid_to IS NULL AND source_id IS NOT NULL;
CREATE INDEX parcels_reference ON parcels(plan_no, block_no, parcel_no);

-- Owners are private: kept apart from the feature table so no public reader of parcels sees them.
CREATE TABLE parcel_owners (
  parcel_fid INTEGER PRIMARY KEY REFERENCES parcels(fid),
  owner_name TEXT NOT NULL,
  owner_id TEXT NOT NULL CHECK (length(owner_id) = 10)
);

CREATE TABLE service_points (
  fid INTEGER PRIMARY KEY,
  geom POINT NOT NULL,
  source_id TEXT,
  name_ar TEXT,
  name_en TEXT,
  category TEXT NOT NULL,
  phone TEXT,
  opening_hours TEXT,
  district TEXT,
  valid_from TEXT,
  valid_to TEXT,
  properties TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX service_points_current_source_id ON service_points(source_id) WHERE valid_to IS NULL AND source_id IS NOT NULL;
CREATE INDEX service_points_category ON service_points(category);

-- Parcel lineage: which parcels a split, merge or update retired and which it created.
CREATE TABLE parcel_lineage (
  fid INTEGER PRIMARY KEY,
  parent_fid INTEGER NOT NULL REFERENCES parcels(fid),
  child_fid INTEGER NOT NULL REFERENCES parcels(fid),
  kind TEXT NOT NULL CHECK (kind IN ('split', 'merge', 'update')),
  request_id TEXT,
  recorded_at TEXT NOT NULL,
  UNIQUE (parent_fid, child_fid)
);
CREATE INDEX parcel_lineage_child ON parcel_lineage(child_fid);

-- Every import, written in the import's own transaction.
CREATE TABLE imports (
  fid INTEGER PRIMARY KEY,
  layer TEXT NOT NULL,
  source TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('append', 'replace')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  records_read INTEGER,
  imported INTEGER,
  rejected INTEGER
);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('districts', 'features', 'districts', 'Districts (الأحياء)', 4326),
  ('plans', 'features', 'plans', 'Subdivision plans (المخططات)', 4326),
  ('streets', 'features', 'streets', 'Streets (الشوارع)', 4326),
  ('parcels', 'features', 'parcels', 'Land parcels (قطع الأراضي)', 4326),
  ('service_points', 'features', 'service_points', 'Service points (نقاط الخدمات)', 4326),
  ('parcel_lineage', 'attributes', 'parcel_lineage', 'Parcel lineage: splits, merges, updates', NULL),
  ('imports', 'attributes', 'imports', 'Import log', NULL);

INSERT INTO gpkg_geometry_columns VALUES
  ('districts', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
  ('plans', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
  ('streets', 'geom', 'MULTILINESTRING', 4326, 0, 0),
  ('parcels', 'geom', 'POLYGON', 4326, 0, 0),
  ('service_points', 'geom', 'POINT', 4326, 0, 0);
