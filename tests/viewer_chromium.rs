//! The map viewer: the page, its styles and assets in-process, and the page in a real browser
//! (headless Chromium through `web-viewer/tests/map.mjs`) over the demo city, where MapLibre must
//! draw parcels, service points and labels from madinati's vector tiles.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use common::*;
use madinati::app::auth::{NewUser, add_user};
use madinati::demo::{self, DemoSize};
use madinati::domain::LayerKind;
use madinati::domain::account::Roles;
use madinati::domain::public::property_names;
use madinati::http::viewer::{self, ViewerBuild, ViewerPaths};
use madinati::http::{AppState, Application, router};
use serde_json::Value;
use tower::ServiceExt;

const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// The password of the accounts `surveyor` and `planner` the page scripts sign in with.
const PASSWORD: &str = "a long test password";

async fn demo_state(dir: &Path) -> AppState {
    let store = fresh_store(dir).await;
    demo::build(&store, DemoSize::Small, 1, &mut |_, _, _| {})
        .await
        .unwrap();
    for (name, role) in [("surveyor", "surveyor"), ("planner", "planner")] {
        add_user(
            &store,
            NewUser {
                username: name.into(),
                password: PASSWORD.into(),
                roles: Roles::parse(role).unwrap(),
                name_ar: None,
                name_en: Some(format!("Test {name}")),
                national_id: None,
                phone: None,
                email: None,
            },
            "test",
        )
        .await
        .unwrap();
    }
    AppState::load(Arc::new(store), Default::default())
        .await
        .unwrap()
}

/// Builds the viewer if it is not (npm ci + npm run build, as `madinati demo` does); fails the
/// test when it cannot.
async fn built_viewer() -> ViewerPaths {
    let paths = ViewerPaths::default();
    let p = paths.clone();
    let build = tokio::task::spawn_blocking(move || viewer::ensure_built(&p))
        .await
        .unwrap();
    assert!(
        !matches!(build, ViewerBuild::Missing(_)),
        "the map viewer could not be built: {build:?}; scripts/test runs npm ci and npm run build in web-viewer/"
    );
    paths
}

async fn get(
    app: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String, Vec<u8>) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let media = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = to_bytes(res.into_body(), 1 << 26).await.unwrap().to_vec();
    (status, media, body)
}

/// Every `["get", name]` of a style expression.
fn gets(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => {
            if a.len() == 2
                && matches!(a[0].as_str(), Some("get" | "has"))
                && let Some(name) = a[1].as_str()
            {
                out.push(name.to_string());
            }
            a.iter().for_each(|x| gets(x, out));
        }
        Value::Object(o) => o.values().for_each(|x| gets(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn styles_page_and_assets_are_served_with_absolute_urls() {
    let paths = built_viewer().await;
    let dir = tempfile::tempdir().unwrap();
    let app = router(demo_state(dir.path()).await);

    // Styles: absolute URLs for the host the client reached, layers that exist in the tiles.
    for name in ["citizens", "planners"] {
        let (s, media, body) = get(
            &app,
            &format!("/styles/{name}.json"),
            &[
                ("host", "maps.example:8080"),
                ("x-forwarded-proto", "https"),
            ],
        )
        .await;
        assert_eq!((s, media.as_str()), (StatusCode::OK, "application/json"));
        let style: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(style["version"], 8);
        assert_eq!(
            style["sources"]["madinati"]["url"],
            "https://maps.example:8080/tiles/districts,plans,streets,parcels,service_points.json"
        );
        assert_eq!(
            style["glyphs"],
            "https://maps.example:8080/fonts/{fontstack}/{range}.pbf"
        );
        for layer in style["layers"].as_array().unwrap() {
            let Some(source_layer) = layer["source-layer"].as_str() else {
                continue;
            };
            let kind: LayerKind = source_layer.parse().unwrap();
            let mut names = Vec::new();
            gets(layer, &mut names);
            for n in names {
                assert!(
                    property_names(kind).contains(&n.as_str()),
                    "{name}: layer {} reads {n}, which {source_layer} tiles do not carry",
                    layer["id"]
                );
            }
            // Every font the style names has its glyphs built.
            if let Some(fonts) = layer["layout"]["text-font"].as_array() {
                for f in fonts {
                    let f = f.as_str().unwrap();
                    assert!(
                        paths
                            .dist()
                            .join("fonts")
                            .join(f)
                            .join("0-255.pbf")
                            .is_file(),
                        "{name}: no glyphs for {f}"
                    );
                    let uri = format!("/fonts/{}/1536-1791.pbf", f.replace(' ', "%20"));
                    let (s, _, body) = get(&app, &uri, &[]).await;
                    assert_eq!(s, StatusCode::OK, "{uri}");
                    assert!(body.len() > 10_000, "{uri}: Arabic glyphs expected");
                }
            }
        }
    }
    let (s, _, body) = get(&app, "/styles/nope.json", &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains("/styles/citizens.json") && text.contains("/styles/planners.json"),
        "{text}"
    );
    assert_eq!(
        get(&app, "/styles/..%2FCargo.toml", &[]).await.0,
        StatusCode::NOT_FOUND
    );

    // GET /: the page for browsers (whatever page parameters), the OGC landing page otherwise.
    for uri in ["/", "/?style=planners", "/?f=html"] {
        let accept = if uri == "/?f=html" {
            "application/json"
        } else {
            BROWSER_ACCEPT
        };
        let (s, media, body) = get(&app, uri, &[("accept", accept)]).await;
        assert_eq!(
            (s, media.as_str()),
            (StatusCode::OK, "text/html; charset=utf-8"),
            "{uri}"
        );
        let html = String::from_utf8_lossy(&body);
        assert!(
            html.contains("مدينتي") && html.contains("My City") && html.contains("dir=\"rtl\"")
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no CDN: {html}"
        );
    }
    for (uri, accept) in [
        ("/", "*/*"),
        ("/", "application/json"),
        ("/?f=json", BROWSER_ACCEPT),
    ] {
        let (s, media, body) = get(&app, uri, &[("accept", accept)]).await;
        assert_eq!(s, StatusCode::OK, "{uri} {accept}");
        assert!(media.starts_with("application/json"), "{uri} {accept}");
        let landing: Value = serde_json::from_slice(&body).unwrap();
        assert!(landing["links"].is_array());
    }
    assert_eq!(
        get(&app, "/?style=planners", &[]).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(get(&app, "/?f=xml", &[]).await.0, StatusCode::BAD_REQUEST);

    // The page's assets.
    for (uri, media) in [
        ("/viewer/viewer.js", "javascript"),
        ("/viewer/maplibre-gl-worker.mjs", "javascript"),
        ("/viewer/maplibre-gl.css", "css"),
        ("/viewer/viewer.css", "css"),
    ] {
        let (s, m, _) = get(&app, uri, &[]).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(m.contains(media), "{uri}: {m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_draws_parcels_service_points_and_labels() {
    let run = run_page_script("map.mjs", "map.png").await;
    let (summary, pretty) = (&run.summary, &run.pretty);
    let shot = run.dir.path().join("map.png");
    let count = |layer: &str| summary["bySourceLayer"][layer].as_u64().unwrap_or(0);
    assert!(count("parcels") > 0, "{pretty}");
    assert!(count("service_points") > 0, "{pretty}");
    assert!(summary["labels"].as_u64().unwrap_or(0) > 0, "{pretty}");
    assert_eq!(
        summary["errors"].as_array().map(Vec::len),
        Some(0),
        "{pretty}"
    );
    assert_eq!(summary["zoom"], 16.0, "{pretty}");
    assert!(
        summary["servicePoint"]["name_ar"].is_string(),
        "service points carry Arabic names: {pretty}"
    );
    assert!(shot.is_file(), "a screenshot was taken");
}

/// The citizens' journey (issue 13): in Arabic then English, the nearest open pharmacies near
/// the browser's position, nearest first, as the API orders them; suggestions as one types; a
/// phone's width. `web-viewer/tests/citizen.mjs` drives headless Chromium.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_finds_the_nearest_open_pharmacy_in_arabic_and_in_english() {
    let run = run_page_script("citizen.mjs", "shot").await;
    let (summary, pretty, paths, dir) = (&run.summary, &run.pretty, &run.paths, &run.dir);
    for check in [
        "same_places_as_the_api",
        "all_open",
        "nearest_first",
        "arabic_names",
        "english_page",
        "english_names",
        "suggestions",
        "phone_fits",
        "no_page_errors",
    ] {
        assert_eq!(summary["checks"][check], true, "{check}: {pretty}");
    }
    assert!(
        summary["expected"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{pretty}"
    );
    eprintln!(
        "first view fully drawn (map idle) {} ms after navigation; our script {} bytes gzip",
        summary["firstMapIdleMs"],
        std::fs::read_to_string(paths.viewer_dir.join("dist/size.json")).unwrap_or_default()
    );
    // axe-core: no serious or critical violation on any screen of the journey.
    for screen in ["arabic", "english", "phone"] {
        assert_eq!(summary["axe"][screen], 0, "axe on {screen}: {pretty}");
    }
    // The script a citizen's first page loads besides MapLibre: at most 300 KB gzip.
    let size: Value = serde_json::from_str(
        &std::fs::read_to_string(paths.viewer_dir.join("dist/size.json"))
            .expect("npm run build writes dist/size.json"),
    )
    .unwrap();
    let own = size["own_gzip_bytes"].as_u64().unwrap();
    assert!(own > 0 && own <= 300 * 1024, "{size}");
    for name in ["ar-desktop", "en-desktop", "ar-phone"] {
        assert!(
            dir.path()
                .join(format!("shot-citizen-{name}.png"))
                .is_file(),
            "{name}"
        );
    }
}

/// The surveyors' and planners' journeys (issue 13), in one page that never reloads: a split
/// drawn on the map fails `min_area` live (the small part shaded, submitting refused), is fixed
/// and submitted; a planner finds it in the queue, takes and approves it, and the new parcels are
/// in the page's tiles at once; a new parcel's history slider shows the parent before the
/// approval. Then every screen from its shareable address, Arabic and English, desktop and
/// phone: fits the width, and axe-core finds no serious or critical violation.
/// `web-viewer/tests/land.mjs` drives headless Chromium.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_surveyor_splits_a_parcel_a_planner_approves_it_and_the_map_and_history_show_it() {
    let run = run_page_script("land.mjs", "shot").await;
    let (summary, pretty, dir) = (&run.summary, &run.pretty, &run.dir);
    for check in [
        "parcel_picked_on_the_map",
        "min_area_fails_live",
        "failing_part_shaded",
        "submit_refused_while_failing",
        "fixed_split_passes",
        "submitted",
        "parent_in_tiles_before",
        "in_the_queue",
        "review_shows_before_after_checks_history",
        "children_created",
        "new_parcels_on_the_tiles",
        "same_page",
        "history_now_shows_children",
        "history_before_shows_parent",
        "lineage_lists_parent",
        "geojson_upload_checked",
        "merge_of_two_picked_parcels_checked",
        "no_page_errors",
    ] {
        assert_eq!(summary["checks"][check], true, "{check}: {pretty}");
    }
    // The parent in the history just before the approval, its children after.
    let parent = &summary["parcel"]["fid"];
    assert!(
        summary["history"]["then"]["fids"]
            .as_array()
            .is_some_and(|f| f.contains(parent)),
        "{pretty}"
    );
    let screens = [
        "signin", "parcel", "history", "requests", "editor", "queue", "request",
    ];
    for screen in screens {
        for lang in ["ar", "en"] {
            for device in ["desktop", "phone"] {
                let name = format!("{screen}-{lang}-{device}");
                assert_eq!(summary["axe"][&name], 0, "axe on {name}: {pretty}");
                assert_eq!(
                    summary["checks"][format!("{screen}_{lang}_{device}_fits")],
                    true,
                    "{name}: {pretty}"
                );
                assert!(
                    dir.path().join(format!("shot-{name}.jpeg")).is_file(),
                    "{name}"
                );
            }
        }
    }
}

/// What a page script in `web-viewer/tests/` printed, once it passed.
struct PageRun {
    summary: Value,
    pretty: String,
    paths: ViewerPaths,
    /// Where its files (screenshots) went.
    dir: tempfile::TempDir,
}

/// Serves the demo city on a real port and runs `node web-viewer/tests/{script} BASE OUT`
/// (`OUT` is `out` in a temporary directory); the script's last line is its JSON summary,
/// which must say `ok`.
async fn run_page_script(script: &str, out: &str) -> PageRun {
    require_tool("chromium");
    require_tool("node");
    let paths = built_viewer().await;
    let dir = tempfile::tempdir().unwrap();
    let app = Application::bind("127.0.0.1:0".parse().unwrap(), demo_state(dir.path()).await)
        .await
        .unwrap();
    let base = format!("http://{}", app.local_addr().unwrap());
    let server = tokio::spawn(app.run());
    let path = paths.viewer_dir.join("tests").join(script);
    let (viewer_dir, out_path) = (paths.viewer_dir.clone(), dir.path().join(out));
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(path)
            .arg(&base)
            .arg(&out_path)
            .current_dir(viewer_dir)
            .output()
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("run node web-viewer/tests/{script}: {e}"));
    server.abort();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary: Value = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| {
            panic!("{script} printed no summary\nstdout: {stdout}\nstderr: {stderr}")
        });
    let pretty = serde_json::to_string_pretty(&summary).unwrap();
    assert!(
        output.status.success() && summary["ok"] == true,
        "{script} failed ({}):\n{pretty}\nstderr: {stderr}",
        output.status
    );
    PageRun {
        summary,
        pretty,
        paths,
        dir,
    }
}
