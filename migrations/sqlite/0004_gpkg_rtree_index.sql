-- The GeoPackage R-tree spatial index extension (GeoPackage 1.3, annex F.3) on every feature
-- table: QGIS and GDAL find features in a box without reading the whole table. The triggers keep
-- each index in step with its table in the same transaction; they call ST_MinX, ST_MaxX, ST_MinY,
-- ST_MaxY and ST_IsEmpty, which madinati registers on its connections (store/sqlite/functions.rs)
-- and GDAL and QGIS on theirs.

CREATE VIRTUAL TABLE rtree_districts_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_districts_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM districts
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
CREATE TRIGGER rtree_districts_geom_insert AFTER INSERT ON districts
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_districts_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_districts_geom_update1 AFTER UPDATE OF geom ON districts
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_districts_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_districts_geom_update2 AFTER UPDATE OF geom ON districts
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_districts_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_districts_geom_update3 AFTER UPDATE ON districts
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_districts_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_districts_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_districts_geom_update4 AFTER UPDATE ON districts
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_districts_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_districts_geom_delete AFTER DELETE ON districts
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_districts_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('districts', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_plans_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_plans_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM plans
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
CREATE TRIGGER rtree_plans_geom_insert AFTER INSERT ON plans
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_plans_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_plans_geom_update1 AFTER UPDATE OF geom ON plans
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_plans_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_plans_geom_update2 AFTER UPDATE OF geom ON plans
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_plans_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_plans_geom_update3 AFTER UPDATE ON plans
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_plans_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_plans_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_plans_geom_update4 AFTER UPDATE ON plans
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_plans_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_plans_geom_delete AFTER DELETE ON plans
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_plans_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('plans', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_streets_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_streets_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM streets
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
CREATE TRIGGER rtree_streets_geom_insert AFTER INSERT ON streets
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_streets_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_streets_geom_update1 AFTER UPDATE OF geom ON streets
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_streets_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_streets_geom_update2 AFTER UPDATE OF geom ON streets
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_streets_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_streets_geom_update3 AFTER UPDATE ON streets
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_streets_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_streets_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_streets_geom_update4 AFTER UPDATE ON streets
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_streets_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_streets_geom_delete AFTER DELETE ON streets
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_streets_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('streets', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_parcels_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_parcels_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM parcels
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
CREATE TRIGGER rtree_parcels_geom_insert AFTER INSERT ON parcels
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_parcels_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_parcels_geom_update1 AFTER UPDATE OF geom ON parcels
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_parcels_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_parcels_geom_update2 AFTER UPDATE OF geom ON parcels
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_parcels_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_parcels_geom_update3 AFTER UPDATE ON parcels
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_parcels_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_parcels_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_parcels_geom_update4 AFTER UPDATE ON parcels
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_parcels_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_parcels_geom_delete AFTER DELETE ON parcels
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_parcels_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('parcels', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');

CREATE VIRTUAL TABLE rtree_service_points_geom USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO rtree_service_points_geom
  SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM service_points
  WHERE geom NOT NULL AND NOT ST_IsEmpty(geom);
CREATE TRIGGER rtree_service_points_geom_insert AFTER INSERT ON service_points
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_service_points_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_service_points_geom_update1 AFTER UPDATE OF geom ON service_points
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_service_points_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_service_points_geom_update2 AFTER UPDATE OF geom ON service_points
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_service_points_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_service_points_geom_update3 AFTER UPDATE ON service_points
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_service_points_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_service_points_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_service_points_geom_update4 AFTER UPDATE ON service_points
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_service_points_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_service_points_geom_delete AFTER DELETE ON service_points
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_service_points_geom WHERE id = OLD.fid;
END;
INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
  VALUES ('service_points', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
