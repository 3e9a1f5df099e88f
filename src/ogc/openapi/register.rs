//! The OpenAPI description of the write side: sign-in, land requests, the register's lineage
//! and the audit log. Every operation but login and lineage needs a session (`bearerAuth`, or
//! the session cookie from a page of this site).

use serde_json::{Map, Value, json};

fn failure(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}})
}

fn responses(ok_code: &str, ok: &str, codes: &[&str]) -> Value {
    let mut r = Map::new();
    r.insert(
        ok_code.into(),
        json!({"description": ok, "content": {"application/json": {"schema": {"type": "object"}}}}),
    );
    for c in codes {
        let d = match *c {
            "400" => "A malformed body or parameter; the description says what to fix.",
            "401" => "No valid session: sign in with POST /api/auth/login.",
            "403" => {
                "The caller's role may not do this (or a cookie-borne change from another origin)."
            }
            "404" => "No such resource, or one the caller may not see.",
            "409" => {
                "The request's state does not allow it, or a parcel is already in an open request."
            }
            "413" => "The body is larger than 4 MiB.",
            "415" => "Not a kind of file this call takes; the description says what the file is.",
            "422" => {
                "A check failed; `checks` lists every check with code, passed, message_ar, message_en and detail."
            }
            "429" => "Too many failed logins for this user name or address; see Retry-After.",
            _ => "Server error.",
        };
        r.insert(c.to_string(), failure(d));
    }
    Value::Object(r)
}

fn op(
    tag: &str,
    summary: &str,
    id: &str,
    body: Option<&str>,
    (ok_code, ok): (&str, &str),
    codes: &[&str],
    public: bool,
) -> Value {
    let mut o = json!({
        "tags": [tag],
        "summary": summary,
        "operationId": id,
        "responses": responses(ok_code, ok, codes),
    });
    if let Some(b) = body {
        o["requestBody"] = json!({"required": true, "description": b, "content": {"application/json": {"schema": {"type": "object"}}}});
    }
    if !public {
        o["security"] = json!([{"bearerAuth": []}, {"sessionCookie": []}]);
    }
    o
}

fn path_id(name: &str, what: &str) -> Value {
    json!([{"name": name, "in": "path", "required": true, "description": what, "schema": {"type": "integer", "minimum": 1}}])
}

const SUBMISSION: &str = "{\"kind\": \"subdivision\" | \"merge\" | \"deed_update\" | \"survey_sketch\", \"parcels\": [fid, ...], \"proposed\": GeoJSON FeatureCollection of the resulting parcels (properties parcel_no, optional land_use); for a deed update its corrected boundary and for a sketch the surveyed boundary (one polygon, optional), \"deed\" (deed update only): {\"deed_no\", \"deed_date\": \"YYYY-MM-DD\", \"official_area_m2\", \"owner\": {\"name\", \"national_id\"}}, \"plan_no\", \"name\", \"plan\" (plan approval only, no parcels): a FeatureCollection whose features carry role boundary | lot (parcel_no, block_no, land_use) | street (LineString, width_m, name_ar, name_en) | public, \"crs\": \"EPSG:4326\" (default; EPSG:9359 for a sketch) | \"EPSG:32639\" | \"EPSG:9359\" | \"EPSG:20439\" | \"EPSG:8839\", \"note\": text}. Unknown fields are refused.";

/// `POST /api/requests/{id}/documents`: a multipart upload.
fn upload_op(tag: &str) -> Value {
    let mut o = op(
        tag,
        "Attach documents to a request: PDF, JPEG, PNG or DXF, told by their bytes. The request's submitter while it is open (submitted, in review, returned), planners and admins. All the files of an upload are stored, or none.",
        "addRequestDocuments",
        None,
        (
            "201",
            "{\"documents\": [...], \"numberReturned\"}: the stored documents.",
        ),
        &["400", "401", "403", "404", "409", "413", "415"],
        false,
    );
    o["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "array", "maxItems": 20, "items": {"type": "string", "format": "binary"}, "description": "One or more files. A name whose extension says another kind than the bytes is refused (415)."},
            "title": {"type": "string", "maxLength": 200, "description": "A title for the files of this upload."},
        },
    }}}});
    o["responses"]["409"]["description"] = json!(
        "The request is closed (for its submitter), or it already has a file with the same SHA-256 (the description names that document)."
    );
    o["responses"]["413"]["description"] = json!(
        "The files of the upload together are over `[documents] max_bytes` (20 MiB by default); the description gives the limit."
    );
    o
}

/// `GET /api/requests/{id}/documents/{doc}`: the bytes.
fn document_op(tag: &str) -> Value {
    let mut o = op(
        tag,
        "A document's bytes as uploaded, as an attachment (Content-Disposition with filename*=UTF-8''...), with X-Content-Type-Options: nosniff, Cache-Control: private and its SHA-256 as ETag.",
        "getRequestDocument",
        None,
        ("200", "The file."),
        &["401", "404"],
        false,
    );
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    o["responses"]["200"]["content"] = json!({
        "application/pdf": binary, "image/jpeg": binary, "image/png": binary, "image/vnd.dxf": binary,
    });
    o["responses"]["200"]["headers"] = json!({
        "ETag": {"schema": {"type": "string"}, "description": "The SHA-256 of the file, quoted."},
        "Content-Disposition": {"schema": {"type": "string"}},
    });
    o["responses"]["304"] = json!({"description": "If-None-Match names the document's ETag."});
    o["parameters"] =
        json!([{"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}]);
    o
}

/// Adds the write side's paths.
pub(super) fn paths(paths: &mut Map<String, Value>) {
    let t = "Land register";
    let entries: Vec<(&str, Value)> = vec![
        (
            "/api/auth/login",
            json!({"post": op("Accounts", "Sign in: returns a 256-bit session token and sets the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS).", "login", Some("{\"username\", \"password\"}"), ("200", "{\"token\", \"expires\", \"user\"}"), &["400", "401", "429"], true)}),
        ),
        (
            "/api/auth/logout",
            json!({"post": op("Accounts", "End the session.", "logout", None, ("204", "Signed out."), &["401", "403"], false)}),
        ),
        (
            "/api/me",
            json!({"get": op("Accounts", "The signed-in user, with their roles.", "me", None, ("200", "The user."), &["401"], false)}),
        ),
        (
            "/api/me/notifications",
            json!({"get": {
                "tags": ["Accounts"], "summary": "One's own notifications, newest first: every step of a request one submitted, surveys or owns a parcel of, and (planners) the requests waiting for review; each in Arabic and English, with the state of its e-mail and SMS deliveries.", "operationId": "myNotifications",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                    {"name": "before", "in": "query", "description": "A notification id: the page after it (next_before of the previous page).", "schema": {"type": "integer"}},
                    {"name": "unread", "in": "query", "schema": {"type": "boolean"}},
                ],
                "security": [{"bearerAuth": []}, {"sessionCookie": []}],
                "responses": responses("200", "{\"notifications\": [{\"id\", \"request\", \"event\", \"reason\": \"submitter\" | \"surveyor\" | \"owner\" | \"reviewer\" | \"queue\", \"subject_ar\", \"subject_en\", \"body_ar\", \"body_en\", \"created_at\", \"read_at\", \"deliveries\": [{\"channel\": \"email\" | \"sms\", \"status\": \"pending\" | \"sent\" | \"failed\", \"attempts\", \"sent_at\"}]}], \"next_before\"}", &["400", "401"]),
            }}),
        ),
        (
            "/api/me/notifications/{id}/read",
            json!({"parameters": path_id("id", "The notification's number."), "post": op("Accounts", "Mark one of one's notifications read.", "readNotification", None, ("204", "Marked read."), &["400", "401", "403", "404"], false)}),
        ),
        (
            "/api/requests",
            json!({
                "post": op(t, "Submit a subdivision, merge, deed update or survey sketch (a surveyor; a deed update or sketch also its parcel's owner as a citizen, by national id). Every check runs; if one fails nothing is stored (422); a failure a planner may accept (area_tolerance, corner_shift) is flagged and the request submitted. An owner's sketch request waits as requested until a surveyor prepares it.", "submitRequest", Some(SUBMISSION), ("201", "{\"id\", \"status\": \"submitted\", \"checks\"}"), &["400", "401", "403", "409", "413", "422"], false),
                "get": {
                    "tags": [t], "summary": "List requests, newest first: a surveyor's or owner's own (surveyors also the sketch requests waiting for one); planners and admins see all. Each names the current district its land lies in (at a point of its first current parcel, else of the parcels its approval created, else of its proposal or plan boundary), or null.", "operationId": "listRequests",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["requested", "submitted", "in_review", "technical_approved", "returned", "approved", "rejected", "withdrawn"]}},
                        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["subdivision", "merge", "deed_update", "survey_sketch", "plan_approval"]}},
                        {"name": "parcel", "in": "query", "schema": {"type": "integer"}},
                        {"name": "district", "in": "query", "description": "Only requests whose land lies in this district: its feature id, as in /collections/districts/items/{fid}. An id that is not a current district is a 400.", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "older_than_days", "in": "query", "description": "Only requests created at least this many days ago (created_at <= now - N days); 0 keeps every request created until now.", "schema": {"type": "integer", "minimum": 0}},
                    ],
                    "security": [{"bearerAuth": []}, {"sessionCookie": []}],
                    "responses": responses("200", "{\"requests\": [{\"id\", \"kind\", \"status\", \"parcels\", \"created_at\", ..., \"district\": {\"id\", \"name_ar\", \"name_en\"} | null}], \"numberReturned\"}", &["400", "401", "403"]),
                },
            }),
        ),
        (
            "/api/requests/check",
            json!({"post": op(t, "Run every check without storing anything (surveyor), e.g. while drawing.", "checkRequest", Some(SUBMISSION), ("200", "{\"passed\", \"checks\"}"), &["400", "401", "403", "413"], false)}),
        ),
        (
            "/api/requests/proposal-file",
            json!({"post": {
                "tags": [t], "summary": "Read a subdivision's or merge's proposed parcels from a file (surveyor); nothing is stored. A GeoJSON file, a zipped Shapefile or a DXF (with the gdal feature; else 415), told by its bytes, read as POST /api/requests/plan reads it. The parcels are the closed polygons: in a DXF those on the layer LOTS if any, else every closed polyline, numbered by the texts inside them; in GeoJSON or a Shapefile those with role lot if any, else every polygon, numbered by parcel_no. The answer is what POST /api/requests/check takes as proposed.", "operationId": "readProposalFile",
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary", "description": "GeoJSON, a .zip of shapefiles (with their .prj) or a DXF; at most 50 MiB, a zip unpacked to at most 200 MiB."},
                    "crs": {"type": "string", "description": "The CRS of the file's coordinates: EPSG:4326, EPSG:32639, EPSG:9359, EPSG:20439 or EPSG:8839. Default: the one the file declares (a Shapefile's .prj, a GeoJSON crs member), else EPSG:32639 for a DXF and EPSG:4326 for the others."}}}}}},
                "security": [{"bearerAuth": []}, {"sessionCookie": []}],
                "responses": {
                    "200": {"description": "{\"type\": \"FeatureCollection\", \"source_crs\": \"EPSG:32639\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"parcel_no\": string | null}, \"geometry\": Polygon}]}: the parcels in EPSG:4326, longitude first.", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                    "400": failure("Not a multipart form with a file part, a damaged file, a CRS not taken, a coordinate out of the CRS's range, or no polygon; the description says what to draw (closed polylines on a layer LOTS, numbers as texts inside)."),
                    "401": failure("No valid session: sign in with POST /api/auth/login."),
                    "403": failure("The caller is not a surveyor (or a cookie-borne call from another origin)."),
                    "413": failure("The file is over 50 MiB, or the zip unpacks to more than 200 MiB (a zip bomb)."),
                    "415": failure("Not GeoJSON, a zipped Shapefile or a DXF (a DXF too when the server is built without the gdal feature); the description says what to send."),
                },
            }}),
        ),
        (
            "/api/requests/{id}",
            json!({
                "parameters": path_id("id", "The request's number."),
                "get": op(t, "A request with its district ({\"id\", \"name_ar\", \"name_en\"} or null, as listed), proposal, checks, history and (for planners, admins and its surveyor) the owners.", "getRequest", None, ("200", "The request."), &["401", "404"], false),
                "put": op(t, "Amend a returned request (its surveyor); the checks run again and it is submitted anew.", "amendRequest", Some(SUBMISSION), ("200", "The request."), &["400", "401", "403", "404", "409", "422"], false),
            }),
        ),
        (
            "/api/requests/plan",
            json!({"post": {
                "tags": [t], "summary": "Submit a plan approval as a file (surveyor): GeoJSON, a zipped Shapefile (boundary, lots, streets, public) or a DXF (layers BOUNDARY, LOTS, STREETS, PUBLIC). Every check runs as for POST /api/requests.", "operationId": "submitPlanFile",
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file", "plan_no"], "properties": {
                    "file": {"type": "string", "format": "binary"}, "plan_no": {"type": "string"}, "name": {"type": "string"}, "crs": {"type": "string"}, "note": {"type": "string"}}}}}},
                "security": [{"bearerAuth": []}, {"sessionCookie": []}],
                "responses": responses("201", "{\"id\", \"status\": \"submitted\", \"checks\"}", &["400", "401", "403", "413", "415", "422"]),
            }}),
        ),
        (
            "/api/requests/{id}/prepare",
            json!({"parameters": path_id("id", "The request's number."), "post": op(t, "Prepare an owner's survey sketch request (any surveyor but the owner): the surveyed boundary in proposed (default CRS EPSG:9359) or none for the register's; the checks run and it is submitted.", "prepareRequest", Some(SUBMISSION), ("200", "The request, submitted."), &["400", "401", "403", "404", "409", "422"], false)}),
        ),
        (
            "/verify/{code}",
            json!({"parameters": path_id("code", "The code printed under an issued document's QR code."), "get": op(t, "Verify an issued survey sketch: its serial, date and parcels (public facts only). Any code not issued, or with a character changed, is a 404.", "verifyDocument", None, ("200", "{\"valid\": true, \"serial\", \"issued_at\", \"parcels\": [...]}"), &["404"], true)}),
        ),
        (
            "/api/requests/{id}/take",
            json!({"parameters": path_id("id", "The request's number."), "post": op(t, "Take a submitted request for review (planner; never one's own).", "takeRequest", None, ("200", "The request, in_review."), &["401", "403", "404", "409"], false)}),
        ),
        (
            "/api/requests/{id}/decision",
            json!({"parameters": path_id("id", "The request's number."), "post": op(t, "Decide a request in review (the planner who took it). An approval re-runs the checks (every acceptable failure must be named in accept, and is recorded), retires the parents, creates the children or the deed's new version with lineage and publishes them to every read, tiles included, before answering; a survey sketch's approval issues it with a serial and a verification code.", "decideRequest", Some("{\"decision\": \"approve\" | \"reject\" | \"return\", \"comment\": text, \"accept\": [\"area_tolerance\" | \"corner_shift\"]}"), ("200", "The request with status, created and retired fids."), &["400", "401", "403", "404", "409", "422"], false)}),
        ),
        (
            "/api/requests/{id}/withdraw",
            json!({"parameters": path_id("id", "The request's number."), "post": op(t, "Withdraw a request before a decision (its surveyor).", "withdrawRequest", None, ("200", "The request, withdrawn."), &["401", "403", "404", "409"], false)}),
        ),
        (
            "/api/requests/{id}/documents",
            json!({
                "parameters": path_id("id", "The request's number."),
                "post": upload_op(t),
                "get": op(t, "The request's documents, oldest first (whoever may see the request).", "listRequestDocuments", None, ("200", "{\"documents\": [{\"id\", \"file_name\", \"title\", \"media_type\", \"size_bytes\", \"sha256\", \"uploaded_by\", \"uploaded_at\", \"url\"}], \"numberReturned\"}"), &["401", "404"], false),
            }),
        ),
        (
            "/api/requests/{id}/documents/{doc}",
            json!({
                "parameters": [path_id("id", "The request's number.")[0].clone(), path_id("doc", "The document's number.")[0].clone()],
                "get": document_op(t),
            }),
        ),
        (
            "/api/parcels/{fid}/lineage",
            json!({"parameters": path_id("fid", "The parcel version's fid."), "get": op(t, "A parcel's ancestors and descendants (split-of, merge-of, update-of) with request and time.", "parcelLineage", None, ("200", "{\"fid\", \"ancestors\": [...], \"descendants\": [...]}"), &["404"], true)}),
        ),
        (
            "/api/parcels/{fid}/owner",
            json!({"parameters": path_id("fid", "The parcel version's fid."), "get": op(t, "A parcel's owner (planners, admins, and the surveyor of a request on it).", "parcelOwner", None, ("200", "{\"parcel\", \"name\", \"national_id\"}"), &["401", "403", "404"], false)}),
        ),
        (
            "/api/audit",
            json!({"get": {
                "tags": [t], "summary": "The audit log, newest first (admins).", "operationId": "audit",
                "parameters": [
                    {"name": "request", "in": "query", "schema": {"type": "integer"}},
                    {"name": "actor", "in": "query", "schema": {"type": "integer"}},
                    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 1000}},
                ],
                "security": [{"bearerAuth": []}, {"sessionCookie": []}],
                "responses": responses("200", "{\"entries\": [...], \"numberReturned\"}", &["400", "401", "403"]),
            }}),
        ),
    ];
    for (p, v) in entries {
        paths.insert(p.into(), v);
    }
}

/// The security schemes of the write side.
pub(super) fn security_schemes() -> Value {
    json!({
        "bearerAuth": {"type": "http", "scheme": "bearer", "description": "The token from POST /api/auth/login."},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "madinati_session", "description": "Set at login; changes sent with it need a same-origin Origin header."},
    })
}
