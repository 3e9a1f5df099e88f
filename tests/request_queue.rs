//! The planners' review queue: `GET /api/requests` filtered by `district` and `older_than_days`
//! (alone and with `status` and `kind`), the `district` every listed request and
//! `GET /api/requests/{id}` name (the one `/api/identify` gives at the request's parcel), and
//! bad values refused with a 400 that names the parameter.

mod register_support;

use axum::http::StatusCode;
use geo::InteriorPoint;
use madinati::domain::request::{RequestId, RequestStatus};
use madinati::store::StoredFeature;
use register_support::*;
use serde_json::{Value, json};

/// The district `/api/identify` gives at a point inside the parcel.
async fn identified_district(city: &City, parcel: &StoredFeature) -> Value {
    let at = polygon(parcel).interior_point().unwrap();
    let (s, v) = call(
        &city.app,
        "GET",
        &format!("/api/identify?lon={}&lat={}", at.x(), at.y()),
        None,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["district"].is_object(), "no district at {at:?}: {v}");
    v["district"].clone()
}

/// Two demo parcels in different districts, each with a split in two halves that passes every
/// check; with the districts identify gives at them.
async fn two_districts(city: &City, token: &str) -> [(StoredFeature, Value, Value); 2] {
    let mut parcels = city
        .store
        .features(
            madinati::domain::LayerKind::Parcels,
            madinati::store::AsOf::Current,
        )
        .await
        .unwrap();
    parcels.sort_by(|a, b| {
        b.feature
            .area_m2()
            .total_cmp(&a.feature.area_m2())
            .then(a.fid.cmp(&b.fid))
    });
    let mut found: Vec<(StoredFeature, Value, Value)> = Vec::new();
    for parent in parcels.iter().take(600) {
        let district = identified_district(city, parent).await;
        if found.iter().any(|(_, _, d)| d["id"] == district["id"]) {
            continue;
        }
        for (dx, dy) in [(0.01, 0.0), (0.0, 0.01)] {
            let Some((a, b)) = halves(polygon(parent), dx, dy) else {
                continue;
            };
            let body = split_body(parent, &a, &b);
            let (s, v) = call(
                &city.app,
                "POST",
                "/api/requests/check",
                Some(token),
                Some(body.clone()),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            if v["passed"] == json!(true) {
                found.push((parent.clone(), body, district));
                break;
            }
        }
        if found.len() == 2 {
            let second = found.remove(1);
            let first = found.remove(0);
            return [first, second];
        }
    }
    panic!("no two splittable demo parcels in different districts");
}

/// The ids listed by `GET /api/requests?{query}` for `token` (200 expected), and the answer.
async fn listed(city: &City, token: &str, query: &str) -> (Vec<i64>, Value) {
    let (s, v) = call(
        &city.app,
        "GET",
        &format!("/api/requests?{query}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    let ids: Vec<i64> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(v["numberReturned"], json!(ids.len()), "{query}");
    (ids, v)
}

/// The listed request `id` in an answer of `listed`.
fn entry(v: &Value, id: i64) -> &Value {
    v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(id))
        .unwrap_or_else(|| panic!("request {id} is not listed: {v}"))
}

/// `district` of a request as the identify answer names it.
fn as_named(identified: &Value) -> Value {
    json!({
        "id": identified["id"],
        "name_ar": identified["properties"]["name_ar"],
        "name_en": identified["properties"]["name_en"],
    })
}

#[tokio::test]
async fn the_queue_is_filtered_by_district_and_age_with_status_and_kind() {
    let city = city().await;
    let surveyor = login(&city.app, "surveyor").await;
    let surveyor2 = login(&city.app, "surveyor2").await;
    let planner = login(&city.app, "planner").await;
    let [(pa, body_a, da), (pb, body_b, db)] = two_districts(&city, &surveyor).await;
    assert_ne!(da["id"], db["id"]);
    let (xa, xb) = (da["id"].as_i64().unwrap(), db["id"].as_i64().unwrap());

    // A stays submitted; B is taken (in review).
    let (s, v) = call(
        &city.app,
        "POST",
        "/api/requests",
        Some(&surveyor),
        Some(body_a),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let a = v["id"].as_i64().unwrap();
    let b = submit_and_take(&city.app, &surveyor, &planner, &body_b).await;

    // Every listed request names the district identify gives at its parcel, the request too.
    let (all, v) = listed(&city, &planner, "").await;
    assert!(all.contains(&a) && all.contains(&b), "{v}");
    for (id, d) in [(a, &da), (b, &db)] {
        assert_eq!(entry(&v, id)["district"], as_named(d), "request {id}");
        let (s, one) = call(
            &city.app,
            "GET",
            &format!("/api/requests/{id}"),
            Some(&planner),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{one}");
        assert_eq!(one["district"], as_named(d), "request {id}");
    }
    assert!(entry(&v, a)["district"]["name_ar"].is_string(), "{v}");

    // Each district finds its request and not the other's.
    let (ids, _) = listed(&city, &planner, &format!("district={xa}")).await;
    assert!(
        ids.contains(&a) && !ids.contains(&b),
        "district {xa}: {ids:?}"
    );
    let (ids, v) = listed(&city, &planner, &format!("district={xb}")).await;
    assert!(
        ids.contains(&b) && !ids.contains(&a),
        "district {xb}: {ids:?}"
    );
    for r in v["requests"].as_array().unwrap() {
        assert_eq!(r["district"]["id"], json!(xb), "{r}");
    }

    // With status and kind.
    let (ids, _) = listed(&city, &planner, &format!("district={xa}&status=submitted")).await;
    assert_eq!(ids, [a]);
    let (ids, _) = listed(&city, &planner, &format!("district={xa}&status=in_review")).await;
    assert!(ids.is_empty(), "{ids:?}");
    let (ids, _) = listed(&city, &planner, &format!("status=in_review&district={xb}")).await;
    assert_eq!(ids, [b]);
    let (ids, _) = listed(&city, &planner, &format!("kind=subdivision&district={xb}")).await;
    assert_eq!(ids, [b]);
    let (ids, _) = listed(&city, &planner, &format!("kind=merge&district={xb}")).await;
    assert!(ids.is_empty(), "{ids:?}");
    let q = format!("kind=subdivision&status=submitted&district={xa}&older_than_days=0");
    assert_eq!(listed(&city, &planner, &q).await.0, [a]);

    // A surveyor's list is still their own.
    assert_eq!(
        listed(&city, &surveyor, &format!("district={xa}")).await.0,
        [a]
    );
    assert!(
        listed(&city, &surveyor2, &format!("district={xa}"))
            .await
            .0
            .is_empty()
    );

    // Age: requests just made are 0 days old, not 1.
    let (ids, _) = listed(&city, &planner, "older_than_days=0").await;
    assert!(ids.contains(&a) && ids.contains(&b), "{ids:?}");
    let (ids, _) = listed(&city, &planner, "older_than_days=1").await;
    assert!(ids.is_empty(), "{ids:?}");
    let (ids, _) = listed(&city, &planner, &format!("older_than_days=1&district={xa}")).await;
    assert!(ids.is_empty(), "{ids:?}");

    // A request made three days ago (written through the store, as a restored record would be):
    // 2 days old and 3, not 4; in A's district.
    let mut old = city.store.request(RequestId(a)).await.unwrap().unwrap();
    old.status = RequestStatus::Withdrawn;
    old.created_at -= chrono::Duration::days(3);
    old.updated_at = old.created_at;
    let mut unit = city.store.begin().await.unwrap();
    let old_id = unit.insert_request(&old).await.unwrap().0;
    unit.commit().await.unwrap();
    assert_eq!(
        listed(&city, &planner, "older_than_days=2").await.0,
        [old_id]
    );
    assert_eq!(
        listed(&city, &planner, "older_than_days=3").await.0,
        [old_id]
    );
    assert!(
        listed(&city, &planner, "older_than_days=4")
            .await
            .0
            .is_empty()
    );
    let (ids, _) = listed(&city, &planner, &format!("district={xa}&older_than_days=2")).await;
    assert_eq!(ids, [old_id]);
    let (ids, _) = listed(&city, &planner, &format!("district={xb}&older_than_days=2")).await;
    assert!(ids.is_empty(), "{ids:?}");
    let (ids, _) = listed(&city, &planner, &format!("district={xa}&status=withdrawn")).await;
    assert_eq!(ids, [old_id]);
    let (ids, _) = listed(&city, &planner, "older_than_days=2&status=submitted").await;
    assert!(ids.is_empty(), "{ids:?}");
    assert!(
        listed(&city, &planner, "older_than_days=99999999999999")
            .await
            .0
            .is_empty()
    );

    // Approved, B's parent is retired: its district is found from the parcels it created.
    let (s, v) = call(
        &city.app,
        "POST",
        &format!("/api/requests/{b}/decision"),
        Some(&planner),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["district"], as_named(&db), "{v}");
    let (ids, v) = listed(&city, &planner, &format!("district={xb}&status=approved")).await;
    assert_eq!(ids, [b]);
    assert_eq!(entry(&v, b)["district"], as_named(&db));
    assert_ne!(pa.fid, pb.fid);
}

#[tokio::test]
async fn bad_queue_parameters_are_refused_by_name() {
    let city = city().await;
    let planner = login(&city.app, "planner").await;
    let parcel = city
        .store
        .features(
            madinati::domain::LayerKind::Parcels,
            madinati::store::AsOf::Current,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.fid.0)
        .max()
        .unwrap();
    for (query, name) in [
        ("district=abc", "district"),
        ("district=0", "district"),
        ("district=-3", "district"),
        ("district=1.5", "district"),
        ("district=", "district"),
        // A parcel's id is not a district's.
        (&*format!("district={parcel}"), "district"),
        ("older_than_days=-1", "older_than_days"),
        ("older_than_days=x", "older_than_days"),
        ("older_than_days=1.5", "older_than_days"),
        ("older_than_days=", "older_than_days"),
        ("status=submitted&older_than_days=-1", "older_than_days"),
        ("kind=merge&district=abc", "district"),
    ] {
        let (s, v) = call(
            &city.app,
            "GET",
            &format!("/api/requests?{query}"),
            Some(&planner),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
        let d = v["description"].as_str().unwrap_or_default();
        assert!(d.starts_with(&format!("{name}=")), "{query}: {v}");
    }
    // Unknown parameters stay refused.
    let (s, _) = call(
        &city.app,
        "GET",
        "/api/requests?districts=1",
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Good values of both are taken.
    let (s, v) = call(
        &city.app,
        "GET",
        "/api/requests?older_than_days=0",
        Some(&planner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
