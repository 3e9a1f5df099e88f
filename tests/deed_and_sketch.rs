//! Deed updates and survey sketches on the request engine, through HTTP on a served demo city:
//! who may ask (a surveyor, or the parcel's owner as a citizen), each check failing on its own,
//! a planner's explicit acceptance of an area or corner beyond the tolerance, the new version of
//! the parcel (lineage `update-of`, same parcel, the deed's owner), and a sketch requested by
//! its owner, prepared by a surveyor, approved, issued with a serial and verified by its code.

mod register_support;

use axum::http::StatusCode;
use geo::{Coord, MapCoords};
use madinati::app::auth::{NewUser, add_user};
use madinati::domain::LayerKind;
use madinati::domain::account::Roles;
use madinati::store::{AsOf, StoredFeature};
use register_support::*;
use serde_json::{Value, json};

/// Current private parcels with an owner, largest first.
async fn owned_parcels(city: &City) -> Vec<(StoredFeature, String)> {
    let mut parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    parcels.sort_by(|a, b| {
        b.feature
            .area_m2()
            .total_cmp(&a.feature.area_m2())
            .then(a.fid.cmp(&b.fid))
    });
    let mut out = Vec::new();
    for p in parcels.into_iter().take(60) {
        if let Some(o) = city.store.parcel_owner(p.fid).await.unwrap() {
            out.push((p, o.national_id.as_str().to_string()));
        }
    }
    out
}

/// A citizen account whose national id is `national_id`.
async fn citizen_with_id(city: &City, name: &str, national_id: &str) -> String {
    add_user(
        city.store.as_ref(),
        NewUser {
            username: name.into(),
            password: PASSWORD.into(),
            roles: Roles::parse("citizen").unwrap(),
            name_ar: None,
            name_en: Some(format!("Owner {name}")),
            national_id: Some(national_id.into()),
            phone: None,
            email: None,
        },
        "test",
    )
    .await
    .unwrap();
    login(&city.app, name).await
}

fn deed_body(fid: i64, deed_no: &str, date: &str, area: f64) -> Value {
    json!({
        "kind": "deed_update",
        "parcels": [fid],
        "deed": {"deed_no": deed_no, "deed_date": date, "official_area_m2": area,
                 "owner": {"name": "نورة بنت سعد", "national_id": "1098765432"}},
        "note": "deed renewed after survey",
    })
}

/// The parcel's boundary moved east by `metres`, as a one-feature collection in EPSG:4326.
fn shifted(f: &StoredFeature, metres: f64, scale: f64) -> Value {
    let p = polygon(f);
    let c = p.exterior().0[0];
    let dx = metres / (111_320.0 * c.y.to_radians().cos());
    let moved = p.map_coords(|q| Coord {
        x: c.x + (q.x - c.x) * scale + dx,
        y: c.y + (q.y - c.y) * scale,
    });
    collection(&parcel_no(f), &[moved])
}

async fn post(app: &axum::Router, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
    call(app, "POST", uri, Some(token), Some(body)).await
}

#[tokio::test]
async fn a_deed_update_is_checked_accepted_and_makes_a_new_version_of_the_parcel() {
    let city = city().await;
    let (surveyor, planner, citizen) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "planner").await,
        login(&city.app, "citizen").await,
    );
    let owned = owned_parcels(&city).await;
    let (p, _) = &owned[0];
    let fid = p.fid.0;
    let area = p.feature.area_m2();

    // Each check fails on its own with its code.
    let cases = [
        (
            deed_body(fid, "12-AB", "2025-01-05", area),
            "deed_no_format",
        ),
        (
            deed_body(fid, "123456789012", "2999-01-01", area),
            "deed_date",
        ),
        (
            {
                let mut b = deed_body(fid, "123456789012", "2025-01-05", area);
                b["parcels"] = json!([fid, owned[1].0.fid.0]);
                b
            },
            "parcel_count",
        ),
        (
            {
                let mut b = deed_body(fid, "123456789012", "2025-01-05", area);
                b["proposed"] = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
                    "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[50.1, 26.4], [50.101, 26.401], [50.1, 26.401], [50.101, 26.4], [50.1, 26.4]]]}}]});
                b
            },
            "valid_geometry",
        ),
    ];
    for (body, code) in cases {
        let (s, v) = post(&city.app, "/api/requests", &surveyor, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {v}");
        let failed: Vec<String> = failed(&v)
            .into_iter()
            .filter(|c| c != "area_tolerance" && c != "corner_shift")
            .collect();
        assert!(failed.contains(&code.to_string()), "{code}: {failed:?}");
        if code != "parcel_count" && code != "valid_geometry" {
            assert_eq!(failed, vec![code.to_string()], "{v}");
        }
    }
    // A corrected boundary pushed 15 m into the neighbours overlaps them: refused, whatever
    // a planner might accept.
    let mut over = deed_body(fid, "123456789012", "2025-01-05", area);
    over["proposed"] = shifted(p, 15.0, 1.0);
    let (s, v) = post(&city.app, "/api/requests", &surveyor, over).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(failed(&v).contains(&"no_overlap".to_string()), "{v}");
    // A citizen who does not own the parcel may not ask; nothing was stored by any of these.
    let (s, _) = post(
        &city.app,
        "/api/requests",
        &citizen,
        deed_body(fid, "123456789012", "2025-01-05", area),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The deed's area is 5 % off the surveyed one: submitted, flagged for the planner.
    let (s, v) = post(
        &city.app,
        "/api/requests",
        &surveyor,
        deed_body(fid, "123456789012", "2025-01-05", area * 1.05),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let flagged: Vec<&Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == json!(false))
        .collect();
    assert_eq!(flagged.len(), 1, "{v}");
    assert_eq!(
        (
            flagged[0]["code"].as_str(),
            flagged[0]["acceptable"].as_bool()
        ),
        (Some("area_tolerance"), Some(true))
    );
    // The parcel is held: a second request on it is a conflict.
    let (s, _) = post(
        &city.app,
        "/api/requests",
        &surveyor,
        deed_body(fid, "123456789012", "2025-01-05", area),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (s, _) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let decide = format!("/api/requests/{id}/decision");
    let (s, v) = post(&city.app, &decide, &planner, json!({"decision": "approve"})).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "approval must accept the area: {v}"
    );
    assert_eq!(failed(&v), vec!["area_tolerance"]);
    let (s, v) = post(
        &city.app,
        &decide,
        &planner,
        json!({"decision": "approve", "accept": ["min_area"]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = post(&city.app, &decide, &planner, json!({"decision": "approve", "comment": "deed area per court ruling", "accept": ["area_tolerance"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "approved");
    assert_eq!(v["details"]["accepted"], json!(["area_tolerance"]));
    assert_eq!(v["retired"], json!([fid]));
    let new = v["created"][0].as_i64().unwrap();
    let history = v["history"].as_array().unwrap();
    assert!(
        history.last().unwrap()["comment"]
            .as_str()
            .unwrap()
            .contains("accepted: area_tolerance")
    );

    // A new version, not an edit: the old one is retired, the new one current with the deed.
    let (s, item) = call(
        &city.app,
        "GET",
        &format!("/collections/parcels/items/{new}"),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item["properties"]["deed_no"], "123456789012");
    assert_eq!(
        item["properties"]["parcel_no"].as_str(),
        Some(parcel_no(p).as_str())
    );
    assert!(item["properties"].get("owner").is_none() && !item.to_string().contains("1098765432"));
    let (s, _) = call(
        &city.app,
        "GET",
        &format!("/collections/parcels/items/{fid}"),
        None,
        None,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "the old version is no longer current"
    );
    let (_, lineage) = call(
        &city.app,
        "GET",
        &format!("/api/parcels/{new}/lineage"),
        None,
        None,
    )
    .await;
    assert_eq!(lineage["ancestors"][0]["fid"], json!(fid));
    assert_eq!(lineage["ancestors"][0]["kind"], "update-of");
    // The deed's owner is the new version's owner (seen by a planner).
    let (s, owner) = call(
        &city.app,
        "GET",
        &format!("/api/parcels/{new}/owner"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{owner}");
    assert!(owner.to_string().contains("1098765432"), "{owner}");
    let (_, audit) = call(
        &city.app,
        "GET",
        &format!("/api/audit?request={id}"),
        Some(&login(&city.app, "admin").await),
        None,
    )
    .await;
    assert!(audit.to_string().contains("register.update"), "{audit}");
    assert!(
        !audit.to_string().contains("1098765432"),
        "no national id in the audit log"
    );

    // The owner of another parcel asks for a deed update as a citizen, on their parcel only.
    let (p2, owner_id) = &owned[1];
    let owner = citizen_with_id(&city, "owner2", owner_id).await;
    let (s, v) = post(
        &city.app,
        "/api/requests",
        &owner,
        deed_body(
            owned[2].0.fid.0,
            "123456789012",
            "2025-01-05",
            owned[2].0.feature.area_m2(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not their parcel: {v}");
    let (s, v) = post(
        &city.app,
        "/api/requests",
        &owner,
        deed_body(p2.fid.0, "987654321098", "2024-11-30", p2.feature.area_m2()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "submitted");
    let id2 = v["id"].as_i64().unwrap();
    let (s, mine) = call(&city.app, "GET", "/api/requests", Some(&owner), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        mine["numberReturned"], 1,
        "an owner lists their own: {mine}"
    );
    let (s, _) = call(
        &city.app,
        "GET",
        &format!("/api/requests/{id2}"),
        Some(&citizen),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another citizen sees nothing");
    let (s, v) = post(
        &city.app,
        &format!("/api/requests/{id2}/withdraw"),
        &owner,
        json!({"comment": "wrong date"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "withdrawn");
}

#[tokio::test]
async fn a_survey_sketch_is_requested_by_its_owner_prepared_approved_issued_and_verified() {
    let city = city().await;
    let (surveyor, surveyor2, planner) = (
        login(&city.app, "surveyor").await,
        login(&city.app, "surveyor2").await,
        login(&city.app, "planner").await,
    );
    let owned = owned_parcels(&city).await;
    let (p, owner_id) = &owned[0];
    let owner = citizen_with_id(&city, "owner", owner_id).await;
    let body = json!({"kind": "survey_sketch", "parcels": [p.fid.0]});

    let (s, v) = post(&city.app, "/api/requests", &owner, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "requested");
    let id = v["id"].as_i64().unwrap();
    // Nobody prepared it: a planner cannot take it; every surveyor sees it waiting, without
    // the owner's data.
    let (s, _) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, list) = call(&city.app, "GET", "/api/requests", Some(&surveyor2), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == json!(id)),
        "{list}"
    );
    let (s, seen) = call(
        &city.app,
        "GET",
        &format!("/api/requests/{id}"),
        Some(&surveyor2),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(seen.get("owners").is_none() && !seen.to_string().contains(owner_id.as_str()));
    // A sketch holds no parcel: a subdivision of it may still be asked.

    // The surveyor prepares it with surveyed corners 2 m off the register's: submitted,
    // flagged; then the planner must accept the move.
    let mut prepared = body.clone();
    prepared["proposed"] = shifted(p, 2.0, 1.0);
    prepared["crs"] = json!("EPSG:4326");
    let (s, v) = post(
        &city.app,
        &format!("/api/requests/{id}/prepare"),
        &surveyor,
        prepared.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["surveyor"].as_i64().is_some()),
        (Some("submitted"), true)
    );
    assert_eq!(failed(&v), vec!["corner_shift"]);
    let (s, _) = post(
        &city.app,
        &format!("/api/requests/{id}/prepare"),
        &surveyor2,
        prepared,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "once prepared, it is its surveyor's"
    );
    let (s, _) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let decide = format!("/api/requests/{id}/decision");
    let (s, v) = post(&city.app, &decide, &planner, json!({"decision": "approve"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = post(
        &city.app,
        &decide,
        &planner,
        json!({"decision": "approve", "accept": ["corner_shift"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "approved");
    let serial = v["serial"].as_str().unwrap().to_string();
    assert!(
        serial.starts_with("SK-") && serial.ends_with("-000001"),
        "{serial}"
    );
    // Issuing changes nothing in the register.
    assert_eq!(v["created"], json!([]));
    let (s, _) = call(
        &city.app,
        "GET",
        &format!("/collections/parcels/items/{}", p.fid.0),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // The verification code: public, accepted as issued, refused with any character changed.
    let code = v["verify_code"].as_str().unwrap().to_string();
    let (s, facts) = call(&city.app, "GET", &format!("/verify/{code}"), None, None).await;
    assert_eq!(s, StatusCode::OK, "{facts}");
    assert_eq!(facts["serial"], json!(serial));
    assert_eq!(
        facts["parcels"][0]["parcel_no"].as_str(),
        Some(parcel_no(p).as_str())
    );
    assert!(
        !facts.to_string().contains(owner_id.as_str()),
        "no owner in a public answer"
    );
    for i in [0, serial.len() + 3, code.len() - 1] {
        let mut forged: Vec<char> = code.chars().collect();
        forged[i] = if forged[i] == '1' { '2' } else { '1' };
        let forged: String = forged.into_iter().collect();
        let (s, _) = call(&city.app, "GET", &format!("/verify/{forged}"), None, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{forged} must not verify");
    }
    let (s, _) = call(&city.app, "GET", "/verify/nonsense", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A second sketch, by a surveyor with the register's own geometry: no flag, serial 2.
    let (s, v) = post(
        &city.app,
        "/api/requests",
        &surveyor,
        json!({"kind": "survey_sketch", "parcels": [owned[1].0.fid.0]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["status"].as_str(), failed(&v).len()),
        (Some("submitted"), 0)
    );
    let id2 = v["id"].as_i64().unwrap();
    call(
        &city.app,
        "POST",
        &format!("/api/requests/{id2}/take"),
        Some(&planner),
        None,
    )
    .await;
    let (s, v) = post(
        &city.app,
        &format!("/api/requests/{id2}/decision"),
        &planner,
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["serial"].as_str().unwrap().ends_with("-000002"));

    // An owner may withdraw a sketch request nobody prepared yet; a citizen may never prepare.
    let (s, v) = post(&city.app, "/api/requests", &owner, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id3 = v["id"].as_i64().unwrap();
    let (s, _) = post(
        &city.app,
        &format!("/api/requests/{id3}/prepare"),
        &owner,
        body,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{id3}/withdraw"),
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The store stays sound (the restore check knows sketches hold no parcels).
    let report = madinati::store::sqlite::backup::check(&city.dir.path().join("city.gpkg"))
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
