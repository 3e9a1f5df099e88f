//! Notifications, end to end: every step of a land request reaches the people concerned in
//! Arabic and English, in their inbox, through a real SMTP server (Debian's python3-aiosmtpd)
//! and an HTTP sink standing for the SMS gateway; failures are retried with a doubling wait and
//! refusals given up; the outbox is written with the step or not at all; and a sender killed
//! mid-way (`madinati notify`, SIGKILL) resends, after a restart, only what it had not recorded
//! as sent, each time with the same idempotency key.

mod notify_support;
mod register_support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use axum::http::StatusCode;
use madinati::app::auth::{NewUser, add_user};
use madinati::app::notify::Notifier;
use madinati::app::notify::sender::Sender;
use madinati::domain::LayerKind;
use madinati::domain::account::Roles;
use madinati::http::router;
use madinati::store::{AsOf, StoredFeature};
use notify_support::{SmsGateway, SmtpSink, config};
use register_support::*;
use serde_json::{Value, json};

struct Person {
    name: &'static str,
    roles: &'static str,
    email: &'static str,
    phone: &'static str,
}

const SURVEYOR: Person = Person {
    name: "surveyor-n",
    roles: "surveyor",
    email: "surveyor.n@office.example.sa",
    phone: "0551110001",
};
const OWNER: Person = Person {
    name: "owner-n",
    roles: "citizen",
    email: "owner.n@example.sa",
    phone: "055 111 0002",
};
const PLANNER_A: Person = Person {
    name: "planner-a",
    roles: "planner",
    email: "planner.a@amanah.example.sa",
    phone: "0551110003",
};
const PLANNER_B: Person = Person {
    name: "planner-b",
    roles: "planner",
    email: "planner.b@amanah.example.sa",
    phone: "0551110004",
};

/// The city's router writing notifications as `cfg` says.
fn notifying(city: &mut City, cfg: &madinati::app::notify::NotifyConfig) {
    city.app = router(
        city.state
            .clone()
            .with_notify(Notifier::new(cfg, "").unwrap()),
    );
}

async fn add(city: &City, p: &Person, national_id: Option<&str>) -> String {
    add_user(
        city.store.as_ref(),
        NewUser {
            username: p.name.into(),
            password: PASSWORD.into(),
            roles: Roles::parse(p.roles).unwrap(),
            name_ar: Some(format!("م. {}", p.name)),
            name_en: Some(format!("Eng. {}", p.name)),
            national_id: national_id.map(str::to_string),
            phone: Some(p.phone.into()),
            email: Some(p.email.into()),
        },
        "test",
    )
    .await
    .unwrap();
    login(&city.app, p.name).await
}

/// A current parcel with an owner, and the owner's national id.
async fn owned_parcel(city: &City, skip: usize) -> (StoredFeature, String) {
    let parcels = city
        .store
        .features(LayerKind::Parcels, AsOf::Current)
        .await
        .unwrap();
    let mut found = Vec::new();
    for p in parcels {
        if let Some(o) = city.store.parcel_owner(p.fid).await.unwrap() {
            found.push((p, o.national_id.as_str().to_string()));
            if found.len() > skip {
                break;
            }
        }
    }
    found.pop().expect("the demo city has owned parcels")
}

fn deed(p: &StoredFeature, deed_no: &str) -> Value {
    json!({
        "kind": "deed_update",
        "parcels": [p.fid.0],
        "deed": {"deed_no": deed_no, "deed_date": "2025-01-05",
                 "official_area_m2": p.feature.area_m2(),
                 "owner": {"name": "نورة بنت سعد", "national_id": "1098765432"}},
    })
}

async fn post(app: &axum::Router, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
    call(app, "POST", uri, Some(token), Some(body)).await
}

async fn take(app: &axum::Router, id: i64, token: &str) -> (StatusCode, Value) {
    call(
        app,
        "POST",
        &format!("/api/requests/{id}/take"),
        Some(token),
        None,
    )
    .await
}

async fn inbox(app: &axum::Router, token: &str, query: &str) -> Vec<Value> {
    let (s, v) = call(
        app,
        "GET",
        &format!("/api/me/notifications{query}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["notifications"].as_array().unwrap().clone()
}

async fn count_all(city: &City, tokens: &[&str]) -> usize {
    let mut n = 0;
    for t in tokens {
        n += inbox(&city.app, t, "?limit=200").await.len();
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_reaches_the_people_concerned_by_inbox_email_and_sms() {
    let mut city = city().await;
    let smtp = SmtpSink::start(city.dir.path(), 0);
    let gateway = SmsGateway::start().await;
    let cfg = config(smtp.port, &gateway.url);
    notifying(&mut city, &cfg);
    let (parcel, owner_id) = owned_parcel(&city, 0).await;
    let surveyor = add(&city, &SURVEYOR, None).await;
    let owner = add(&city, &OWNER, Some(&owner_id)).await;
    let pa = add(&city, &PLANNER_A, None).await;
    let pb = add(&city, &PLANNER_B, None).await;
    let everyone = [&surveyor[..], &owner[..], &pa[..], &pb[..]];

    // A step that fails writes nothing: a malformed deed number (422), a take by a surveyor (403).
    let (s, _) = post(
        &city.app,
        "/api/requests",
        &surveyor,
        deed(&parcel, "12-AB"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count_all(&city, &everyone).await, 0);

    // submit → take → return → amend → take → approve.
    let (s, v) = post(
        &city.app,
        "/api/requests",
        &surveyor,
        deed(&parcel, "123456789012"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, _) = take(&city.app, id, &surveyor).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let after_submit = count_all(&city, &everyone).await;
    assert_eq!(after_submit, 4, "receipt, owner, two planners of the queue");
    let (s, _) = take(&city.app, id, &pa).await;
    assert_eq!(s, StatusCode::OK);
    // The second take is a conflict, and writes nothing.
    let (s, _) = take(&city.app, id, &pb).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(count_all(&city, &everyone).await, after_submit + 2);
    let decide = format!("/api/requests/{id}/decision");
    let (s, v) = post(
        &city.app,
        &decide,
        &pa,
        json!({"decision": "return", "comment": "أرفق صورة الصك / attach the deed"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(
        &city.app,
        "PUT",
        &format!("/api/requests/{id}"),
        Some(&surveyor),
        Some(deed(&parcel, "123456789013")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = take(&city.app, id, &pb).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = post(&city.app, &decide, &pb, json!({"decision": "approve"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The inboxes, before anything is sent: newest first, both languages.
    let mine = inbox(&city.app, &owner, "").await;
    let events: Vec<&str> = mine.iter().map(|n| n["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        vec![
            "request.approve",
            "request.take",
            "request.amend",
            "request.return",
            "request.take",
            "request.submit"
        ]
    );
    assert!(
        mine.iter()
            .all(|n| n["reason"] == "owner" && n["request"] == json!(id))
    );
    assert_eq!(
        mine[0]["subject_ar"],
        format!("طلب رقم {id} (تحديث صك): اعتُمد")
    );
    assert_eq!(
        mine[0]["subject_en"],
        format!("Request {id} (deed update): approved")
    );
    assert!(
        mine[0]["body_en"]
            .as_str()
            .unwrap()
            .contains("Eng. planner-b approved")
    );
    assert!(
        mine[0]["body_en"]
            .as_str()
            .unwrap()
            .contains(&format!("https://gis.example.gov.sa/#request={id}"))
    );
    assert!(
        mine[3]["body_ar"]
            .as_str()
            .unwrap()
            .contains("الملاحظة: أرفق صورة الصك")
    );
    assert!(mine.iter().all(|n| {
        n["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "pending")
    }));
    let surveyor_inbox = inbox(&city.app, &surveyor, "").await;
    assert_eq!(
        surveyor_inbox.len(),
        6,
        "receipts of submit and amend, take, return, take, approve"
    );
    assert!(surveyor_inbox.iter().all(|n| n["reason"] == "submitter"));
    // The planners hear of the two submissions (queue), not of their own steps.
    for t in [&pa, &pb] {
        let q = inbox(&city.app, t, "").await;
        assert_eq!(
            q.iter()
                .map(|n| n["event"].as_str().unwrap())
                .collect::<Vec<_>>(),
            vec!["request.amend", "request.submit"]
        );
        assert!(q.iter().all(|n| n["reason"] == "queue"));
        // E-mail only: no SMS to the whole queue unless configured.
        assert!(q.iter().all(|n| n["deliveries"]
            == json!([{"channel": "email", "status": "pending", "attempts": 0}])));
    }

    // Deliver.
    let sender = Sender::new(city.store.clone(), &cfg).unwrap();
    let round = sender.drain().await.unwrap();
    assert_eq!(
        (round.sent, round.retried, round.failed),
        (6 + 6 + 6 + 6 + 2 + 2, 0, 0)
    );

    let mails = smtp.messages();
    assert_eq!(mails.len(), 6 + 6 + 2 + 2);
    let by_rcpt = |addr: &str| -> Vec<Value> {
        mails
            .iter()
            .filter(|m| m["rcpt_tos"] == json!([addr]))
            .cloned()
            .collect()
    };
    let owner_mails = by_rcpt(OWNER.email);
    assert_eq!(owner_mails.len(), 6);
    let approved = owner_mails.last().unwrap();
    assert_eq!(
        approved["subject"],
        format!("طلب رقم {id} (تحديث صك): اعتُمد | Request {id} (deed update): approved")
    );
    assert_eq!(approved["mail_from"], "noreply@amanah.example.sa");
    let plain = approved["plain"].as_str().unwrap();
    assert!(
        plain.contains("اعتمد م. planner-b الطلب") && plain.contains("Eng. planner-b approved")
    );
    assert!(
        approved["html"]
            .as_str()
            .unwrap()
            .contains("<div dir=\"rtl\" lang=\"ar\">")
    );
    assert_eq!(by_rcpt(SURVEYOR.email).len(), 6);
    assert_eq!(by_rcpt(PLANNER_A.email).len(), 2);
    assert_eq!(by_rcpt(PLANNER_B.email).len(), 2);
    let ids: BTreeSet<&str> = mails
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), mails.len(), "one Message-ID per message");
    assert!(
        ids.iter()
            .all(|i| i.starts_with("<mdn-") && i.ends_with("@amanah.example.sa>"))
    );

    let sms = gateway.delivered();
    assert_eq!(sms.len(), 12);
    let to_owner: Vec<_> = sms
        .iter()
        .filter(|s| s.body["to"] == "+966551110002")
        .collect();
    assert_eq!(to_owner.len(), 6, "the owner's number, normalised");
    assert!(
        sms.iter()
            .all(|s| s.authorization == "Bearer gateway-test-token")
    );
    assert!(
        sms.iter()
            .all(|s| s.body["idempotency_key"] == json!(s.key) && s.key.starts_with("mdn-"))
    );
    let text = to_owner.last().unwrap().body["text"].as_str().unwrap();
    assert_eq!(
        text,
        format!("طلب رقم {id} (تحديث صك): اعتُمد\nRequest {id} (deed update): approved")
    );

    // No owner's national id (nor the deed's new owner's) in any message.
    for m in &mails {
        let all = m.to_string();
        assert!(
            !all.contains(&owner_id) && !all.contains("1098765432"),
            "{all}"
        );
    }
    for s in &sms {
        assert!(!s.body.to_string().contains(&owner_id));
    }

    // The inbox shows what was sent; marking read; another's notification is not one's own.
    let mine = inbox(&city.app, &owner, "").await;
    for n in &mine {
        let d = n["deliveries"].as_array().unwrap();
        assert_eq!(d.len(), 2);
        assert!(
            d.iter()
                .all(|d| d["status"] == "sent" && d["attempts"] == 1),
            "{n}"
        );
    }
    let first = mine[0]["id"].as_i64().unwrap();
    let (s, _) = call(
        &city.app,
        "POST",
        &format!("/api/me/notifications/{first}/read"),
        Some(&owner),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(inbox(&city.app, &owner, "?unread=true").await.len(), 5);
    let (s, _) = call(
        &city.app,
        "POST",
        &format!("/api/me/notifications/{first}/read"),
        Some(&surveyor),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let page = inbox(&city.app, &owner, "?limit=2").await;
    assert_eq!(page.len(), 2);
    let next = inbox(
        &city.app,
        &owner,
        &format!("?limit=2&before={}", page[1]["id"]),
    )
    .await;
    assert_eq!(next[0]["event"], "request.amend");
    assert_eq!(next[1]["event"], "request.return");
    for bad in [
        "?limit=0",
        "?limit=201",
        "?before=x",
        "?unread=yes",
        "?user=2",
    ] {
        let (s, _) = call(
            &city.app,
            "GET",
            &format!("/api/me/notifications{bad}"),
            Some(&owner),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (s, _) = call(&city.app, "GET", "/api/me/notifications", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_retried_with_a_doubling_wait_and_refusals_given_up() {
    let mut city = city().await;
    // The relay refuses the first two messages for now (451); the gateway answers the first
    // message's first two attempts with 503.
    let smtp = SmtpSink::start(city.dir.path(), 2);
    let gateway = SmsGateway::start().await;
    gateway.answer_first_in_turn(&[503, 503]);
    let mut cfg = config(smtp.port, &gateway.url);
    cfg.retry_base_s = 0.3;
    cfg.max_attempts = 3;
    notifying(&mut city, &cfg);
    let (parcel, _) = owned_parcel(&city, 1).await;
    let surveyor = add(&city, &SURVEYOR, None).await;
    // A planner whose number the gateway refuses for good, and whose mailbox does not exist.
    let refused = Person {
        name: "planner-r",
        roles: "planner",
        email: "refuse.me@amanah.example.sa",
        phone: "0559999999",
    };
    let pr = add(&city, &refused, None).await;
    gateway.refuse("+966559999999");
    let (s, v) = post(
        &city.app,
        "/api/requests",
        &surveyor,
        deed(&parcel, "123456789012"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    take(&city.app, id, &pr).await;
    let (s, _) = post(
        &city.app,
        &format!("/api/requests/{id}/decision"),
        &pr,
        json!({"decision": "reject", "comment": "outside the plan"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let sender = Sender::new(city.store.clone(), &cfg).unwrap();
    sender.drain().await.unwrap();

    // The surveyor's three notifications (receipt, take, reject) arrive once each, by both ways.
    let mails = smtp.messages();
    let to_surveyor: Vec<_> = mails
        .iter()
        .filter(|m| m["rcpt_tos"] == json!([SURVEYOR.email]))
        .collect();
    assert_eq!(to_surveyor.len(), 3);
    let sms: Vec<_> = gateway
        .received()
        .into_iter()
        .filter(|s| s.body["to"] == "+966551110001")
        .collect();
    let mut tries: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for s in &sms {
        tries.entry(s.key.clone()).or_default().push(s.clone());
    }
    assert_eq!(tries.len(), 3);
    let delivered: Vec<_> = sms.iter().filter(|s| s.status == 200).collect();
    assert_eq!(delivered.len(), 3, "each once");
    // The first one went on its third attempt, with the same key, after 0.3 s then 0.6 s.
    let first = tries
        .values()
        .find(|t| t.len() == 3)
        .expect("one SMS took three attempts");
    assert_eq!(
        first.iter().map(|s| s.status).collect::<Vec<_>>(),
        vec![503, 503, 200]
    );
    assert!(first[1].at - first[0].at >= Duration::from_millis(300));
    assert!(first[2].at - first[1].at >= Duration::from_millis(600));

    let mine = inbox(&city.app, &surveyor, "").await;
    let attempts: Vec<Value> = mine
        .iter()
        .flat_map(|n| n["deliveries"].as_array().unwrap().clone())
        .collect();
    assert!(attempts.iter().all(|d| d["status"] == "sent"));
    // The relay's two 451s cost two more attempts among the three e-mails.
    let email_attempts: u64 = attempts
        .iter()
        .filter(|d| d["channel"] == "email")
        .map(|d| d["attempts"].as_u64().unwrap())
        .sum();
    assert_eq!(email_attempts, 3 + 2, "{attempts:?}");
    assert!(
        attempts
            .iter()
            .any(|d| d["channel"] == "sms" && d["attempts"] == 3)
    );

    // The refused planner: the mailbox (550) and the number (400) are given up at once.
    let theirs = inbox(&city.app, &pr, "").await;
    assert_eq!(theirs.len(), 1, "the queue notice of the submission");
    let d = theirs[0]["deliveries"].as_array().unwrap();
    assert_eq!(d.len(), 1, "no SMS to the queue");
    assert_eq!(d[0]["status"], "failed");
    assert_eq!(d[0]["attempts"], 1);
    let counts = city.store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.failed), (0, 1));
}

/// Runs `madinati notify` on the city's store with `cfg` written as its configuration.
fn notify_process(city: &City, cfg: &str, until_idle: bool) -> std::process::Child {
    let conf = city.dir.path().join("notify.toml");
    std::fs::write(&conf, cfg).unwrap();
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_madinati"));
    c.arg("--config")
        .arg(&conf)
        .arg("notify")
        .arg("--store")
        .arg(city.dir.path().join("city.gpkg"));
    if until_idle {
        c.arg("--until-idle");
    }
    c.env("RUST_LOG", "warn").spawn().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_killed_mid_way_resends_only_what_it_had_not_recorded() {
    let mut city = city().await;
    let smtp = SmtpSink::start(city.dir.path(), 0);
    let gateway = SmsGateway::start().await;
    let cfg = config(smtp.port, &gateway.url);
    notifying(&mut city, &cfg);
    let surveyor = add(&city, &SURVEYOR, None).await;
    add(&city, &PLANNER_A, None).await;
    // Twelve deed updates: each a receipt (e-mail and SMS) and a queue notice (e-mail).
    let mut submitted = 0;
    for skip in 0..40 {
        if submitted == 12 {
            break;
        }
        let (parcel, _) = owned_parcel(&city, skip).await;
        let (s, _) = post(
            &city.app,
            "/api/requests",
            &surveyor,
            deed(&parcel, "123456789012"),
        )
        .await;
        if s == StatusCode::CREATED {
            submitted += 1;
        }
    }
    assert_eq!(submitted, 12);
    let total = city.store.outbox_counts().await.unwrap().pending;
    assert_eq!(total, 36);

    // The gateway is slow, so the kill lands in the middle of the work.
    gateway.delay(Duration::from_millis(150));
    let conf = format!(
        "[notify]\npoll_ms = 50\nlease_s = 2\nretry_base_s = 0.2\n\n[notify.email]\nsmtp_url = \"smtp://127.0.0.1:{}\"\nfrom = \"noreply@amanah.example.sa\"\ntimeout_s = 1\n\n[notify.sms]\nurl = \"{}\"\ntimeout_s = 1\n",
        smtp.port, gateway.url
    );
    let mut sender = notify_process(&city, &conf, false);
    let started = std::time::Instant::now();
    while gateway.received().len() < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the sender sent nothing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sender.kill().unwrap();
    sender.wait().unwrap();
    let received_before: usize = gateway.received().len() + smtp.messages().len();
    let acknowledged: BTreeSet<String> = sent_keys(&city).await;
    assert!(!acknowledged.is_empty());
    assert!((acknowledged.len() as u64) < total, "killed before the end");

    // Restarted, it finishes the work.
    let status = notify_process(&city, &conf, true).wait().unwrap();
    assert!(status.success());
    let counts = city.store.outbox_counts().await.unwrap();
    assert_eq!((counts.sent, counts.pending, counts.failed), (total, 0, 0));

    // Every key arrived; what had been recorded as sent never came again; at most the one in
    // flight at the kill came twice, with its key.
    let mut arrivals: Vec<String> = gateway.received().iter().map(|s| s.key.clone()).collect();
    arrivals.extend(smtp.messages().iter().map(|m| {
        let id = m["message_id"].as_str().unwrap();
        id.trim_start_matches('<')
            .split('@')
            .next()
            .unwrap()
            .to_string()
    }));
    let all_keys = sent_keys(&city).await;
    assert_eq!(all_keys.len() as u64, total);
    let arrived: BTreeSet<&String> = arrivals.iter().collect();
    assert_eq!(arrived.len() as u64, total, "every delivery arrived");
    let mut times: BTreeMap<&String, usize> = BTreeMap::new();
    for k in &arrivals {
        *times.entry(k).or_default() += 1;
    }
    let twice: Vec<_> = times
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| (*k).clone())
        .collect();
    assert!(
        twice.len() <= 1,
        "only the one in flight may come twice: {twice:?}"
    );
    for k in &twice {
        assert!(
            !acknowledged.contains(k),
            "{k} was recorded as sent, yet sent again"
        );
    }
    assert_eq!(arrivals.len(), total as usize + twice.len());
    eprintln!(
        "killed after {} of {total} recorded as sent ({received_before} received); restarted: \
         all {total} delivered, {} sent twice (same key)",
        acknowledged.len(),
        twice.len()
    );
    assert!(received_before >= acknowledged.len());
}

/// The idempotency keys of the deliveries recorded as sent.
async fn sent_keys(city: &City) -> BTreeSet<String> {
    let url = format!(
        "sqlite://{}?mode=ro",
        city.dir.path().join("city.gpkg").display()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT idempotency_key FROM notification_deliveries WHERE status = 'sent'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    keys.into_iter().collect()
}
