-- The lots an approved plan made (lineage `lot-of`: each parcel to the plan it was laid out
-- in), with the request that approved them.
CREATE TABLE plan_lots (
  plan_fid INTEGER NOT NULL REFERENCES plans(fid),
  parcel_fid INTEGER NOT NULL REFERENCES parcels(fid),
  request_id INTEGER NOT NULL REFERENCES requests(id),
  PRIMARY KEY (plan_fid, parcel_fid)
);
CREATE INDEX plan_lots_parcel ON plan_lots(parcel_fid);
