//! Verification codes of issued documents (a survey sketch's QR code): the serial and a
//! signature over the issued facts, made with a key the store keeps (`secrets`). A code with
//! any character changed, or a sketch whose facts were altered, does not verify.
//!
//! Code: `{serial}.{first 20 bytes of HMAC-SHA256(key, facts), hex}`.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::App;
use crate::domain::LayerKind;
use crate::domain::attributes::Attributes;
use crate::domain::request::LandRequest;
use crate::store::StoreError;

/// The secret's name in the store.
const KEY: &str = "document_signing_key";
/// Hex digits of the signature in a code (80 bits).
const SIGNATURE_HEX: usize = 40;

/// The facts a code signs: the serial, the request, its parcels and when it was issued.
fn facts(r: &LandRequest) -> Option<String> {
    let issued = r.issued.as_ref()?;
    let parcels: Vec<String> = r.parcels.iter().map(|p| p.0.to_string()).collect();
    Some(format!(
        "{}|{}|{}|{}|{}",
        issued.serial,
        r.id.0,
        r.kind.code(),
        parcels.join(","),
        issued.at.timestamp_millis()
    ))
}

fn signature(key: &str, facts: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()?;
    mac.update(facts.as_bytes());
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(hex[..SIGNATURE_HEX].to_string())
}

async fn key(app: &App) -> Result<String, StoreError> {
    app.store.secret(KEY).await?.ok_or_else(|| {
        StoreError::Conflict("the store has no document signing key (run the migrations)".into())
    })
}

/// The verification code of an issued request, `None` when it issued nothing.
pub async fn code(app: &App, r: &LandRequest) -> Result<Option<String>, StoreError> {
    let Some(facts) = facts(r) else {
        return Ok(None);
    };
    let key = key(app).await?;
    Ok(signature(&key, &facts)
        .and_then(|sig| r.issued.as_ref().map(|i| format!("{}.{sig}", i.serial))))
}

/// Whether two strings are equal, in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The issued facts a valid code stands for (public: no owner), `None` for any other code.
pub async fn verify(app: &App, code: &str) -> Result<Option<Value>, StoreError> {
    let Some((serial, sig)) = code.rsplit_once('.') else {
        return Ok(None);
    };
    if serial.len() > 40 || sig.len() != SIGNATURE_HEX {
        return Ok(None);
    }
    let Some(r) = app.store.request_by_serial(serial).await? else {
        return Ok(None);
    };
    let key = key(app).await?;
    let expected = facts(&r).and_then(|f| signature(&key, &f));
    if !expected.is_some_and(|e| same(&e, sig)) {
        return Ok(None);
    }
    let Some(issued) = r.issued.as_ref() else {
        return Ok(None);
    };
    let mut parcels = Vec::new();
    for fid in &r.parcels {
        // The version the sketch was issued for (it may have been retired since).
        let f = app.store.feature(LayerKind::Parcels, *fid).await?;
        if let Some(f) = f
            && let Attributes::Parcel(p) = f.feature.attributes()
        {
            parcels.push(json!({
                "fid": fid.0,
                "parcel_no": p.parcel_no.to_string(),
                "plan_no": p.plan_no.as_ref().map(|v| v.to_string()),
                "block_no": p.block_no.as_ref().map(|v| v.to_string()),
                "district": p.district,
                "deed_no": p.deed_no,
                "current": f.feature.lifespan().valid_to.is_none(),
            }));
        }
    }
    Ok(Some(json!({
        "valid": true,
        "document": "survey_sketch",
        "title_ar": "كروكي مساحي",
        "title_en": "Survey sketch",
        "serial": issued.serial,
        "issued_at": issued.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "request": r.id.0,
        "parcels": parcels,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_depend_on_every_fact_and_the_key() {
        let a = signature("k1", "SK-2026-000001|5|survey_sketch|12|1").unwrap();
        assert_eq!(a.len(), SIGNATURE_HEX);
        assert_ne!(
            a,
            signature("k2", "SK-2026-000001|5|survey_sketch|12|1").unwrap()
        );
        assert_ne!(
            a,
            signature("k1", "SK-2026-000001|5|survey_sketch|13|1").unwrap()
        );
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &a[1..]));
    }
}
