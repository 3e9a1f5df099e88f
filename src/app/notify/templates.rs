//! The messages' templates: built in (`templates.toml`), any of them replaceable by the
//! municipality's own file. Every template is checked when the server starts (known tables,
//! known placeholders), so a typo is a start-up error, not a message with `{idd}` in it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::notification::{Message, Reason};
use crate::domain::request::{RequestKind, RequestStatus};

const BUILT_IN: &str = include_str!("templates.toml");

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "id",
    "kind_ar",
    "kind_en",
    "status_ar",
    "status_en",
    "actor_ar",
    "actor_en",
];

/// One message's four texts, with placeholders.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub subject_ar: String,
    pub subject_en: String,
    pub body_ar: String,
    pub body_en: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    party: BTreeMap<String, Template>,
    #[serde(default)]
    queue: BTreeMap<String, Template>,
}

/// Whom a message is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Audience {
    Party,
    Queue,
}

impl Audience {
    pub fn of(reason: Reason) -> Audience {
        match reason {
            Reason::Queue => Audience::Queue,
            _ => Audience::Party,
        }
    }
}

/// The templates in force.
#[derive(Clone, Debug)]
pub struct Templates {
    by_step: BTreeMap<(Audience, &'static str), Template>,
}

/// The facts a message is filled with.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    pub id: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub actor_ar: &'a str,
    pub actor_en: &'a str,
    pub comment: Option<&'a str>,
    pub serial: Option<&'a str>,
    /// The request's address in the viewer, when the public address is known.
    pub link: Option<String>,
}

impl Templates {
    /// No templates: every message is the request number alone.
    pub fn empty() -> Templates {
        Templates {
            by_step: BTreeMap::new(),
        }
    }

    /// The built-in templates, with `overrides` (the text of a municipality's file) over them.
    pub fn load(overrides: Option<&str>) -> Result<Templates, String> {
        let mut by_step = BTreeMap::new();
        for (origin, text) in [("built-in", Some(BUILT_IN)), ("file", overrides)] {
            let Some(text) = text else { continue };
            let file: File =
                toml::from_str(text).map_err(|e| format!("{origin} templates: {e}"))?;
            for (audience, table) in [(Audience::Party, file.party), (Audience::Queue, file.queue)]
            {
                for (status, t) in table {
                    let s: RequestStatus = status
                        .parse()
                        .map_err(|e| format!("{origin} templates: [{status}]: {e}"))?;
                    for text in [&t.subject_ar, &t.subject_en, &t.body_ar, &t.body_en] {
                        check_placeholders(text)
                            .map_err(|e| format!("{origin} templates, {status}: {e}"))?;
                    }
                    by_step.insert((audience, s.code()), t);
                }
            }
        }
        for s in RequestStatus::ALL {
            if !by_step.contains_key(&(Audience::Party, s.code())) {
                return Err(format!("templates: no [party.{}]", s.code()));
            }
        }
        Ok(Templates { by_step })
    }

    /// The message for `reason` about a step that led to `facts.status`.
    pub fn render(&self, reason: Reason, facts: &Facts<'_>) -> Message {
        let audience = Audience::of(reason);
        let t = self
            .by_step
            .get(&(audience, facts.status.code()))
            .or_else(|| self.by_step.get(&(Audience::Party, facts.status.code())));
        let Some(t) = t else {
            // `load` makes sure every status has a party template.
            return Message {
                subject_ar: format!("طلب رقم {}", facts.id),
                subject_en: format!("Request {}", facts.id),
                body_ar: String::new(),
                body_en: String::new(),
            };
        };
        let fill = |text: &str| fill(text, facts);
        let mut body_ar = fill(&t.body_ar);
        let mut body_en = fill(&t.body_en);
        if let Some(c) = facts.comment {
            body_ar.push_str(&format!("\n\nالملاحظة: {c}"));
            body_en.push_str(&format!("\n\nComment: {c}"));
        }
        if let Some(s) = facts.serial {
            body_ar.push_str(&format!("\nالرقم التسلسلي: {s}"));
            body_en.push_str(&format!("\nSerial: {s}"));
        }
        if let Some(l) = &facts.link {
            body_ar.push_str(&format!("\n\n{l}"));
            body_en.push_str(&format!("\n\n{l}"));
        }
        Message {
            subject_ar: fill(&t.subject_ar),
            subject_en: fill(&t.subject_en),
            body_ar,
            body_en,
        }
    }
}

fn check_placeholders(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("an unclosed {{ in {text:?}"))?;
        let name = &after[..end];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "{{{name}}} is not a placeholder; use {}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

fn fill(text: &str, f: &Facts<'_>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let id = f.id.to_string();
        let value = match &after[..end] {
            "id" => id.as_str(),
            "kind_ar" => kind_ar(f.kind),
            "kind_en" => kind_en(f.kind),
            "status_ar" => status_ar(f.status),
            "status_en" => status_en(f.status),
            "actor_ar" => f.actor_ar,
            "actor_en" => f.actor_en,
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
                rest = &after[end + 1..];
                continue;
            }
        };
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

pub fn kind_ar(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Subdivision => "فرز",
        RequestKind::Merge => "دمج",
        RequestKind::DeedUpdate => "تحديث صك",
        RequestKind::SurveySketch => "كروكي مساحي",
        RequestKind::PlanApproval => "اعتماد مخطط",
    }
}

pub fn kind_en(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Subdivision => "subdivision",
        RequestKind::Merge => "merge",
        RequestKind::DeedUpdate => "deed update",
        RequestKind::SurveySketch => "survey sketch",
        RequestKind::PlanApproval => "plan approval",
    }
}

pub fn status_ar(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Requested => "مطلوب",
        RequestStatus::Submitted => "مقدَّم",
        RequestStatus::InReview => "قيد المراجعة",
        RequestStatus::TechnicalApproved => "معتمد فنياً",
        RequestStatus::Returned => "معاد للتعديل",
        RequestStatus::Approved => "معتمد",
        RequestStatus::Rejected => "مرفوض",
        RequestStatus::Withdrawn => "مسحوب",
    }
}

pub fn status_en(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Requested => "requested",
        RequestStatus::Submitted => "submitted",
        RequestStatus::InReview => "in review",
        RequestStatus::TechnicalApproved => "technically approved",
        RequestStatus::Returned => "returned",
        RequestStatus::Approved => "approved",
        RequestStatus::Rejected => "rejected",
        RequestStatus::Withdrawn => "withdrawn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts<'static> {
        Facts {
            id: 42,
            kind: RequestKind::Subdivision,
            status: RequestStatus::Returned,
            actor_ar: "م. سارة",
            actor_en: "Eng. Sara",
            comment: Some("widen the street side"),
            serial: None,
            link: Some("https://gis.example.sa/#request=42".into()),
        }
    }

    #[test]
    fn the_built_in_templates_cover_every_state_and_fill_in_both_languages() {
        let t = Templates::load(None).unwrap();
        let m = t.render(Reason::Submitter, &facts());
        assert_eq!(m.subject_ar, "طلب رقم 42 (فرز): أُعيد للتعديل");
        assert_eq!(
            m.subject_en,
            "Request 42 (subdivision): returned for changes"
        );
        assert!(
            m.body_ar
                .starts_with("أعاد م. سارة الطلب رقم 42 (فرز) للتعديل.")
        );
        assert!(m.body_en.contains("Comment: widen the street side"));
        assert!(m.body_ar.contains("الملاحظة: widen the street side"));
        assert!(m.body_en.ends_with("https://gis.example.sa/#request=42"));
        for s in RequestStatus::ALL {
            let f = Facts {
                status: *s,
                ..facts()
            };
            for r in [Reason::Submitter, Reason::Queue] {
                let m = t.render(r, &f);
                for text in [&m.subject_ar, &m.subject_en, &m.body_ar, &m.body_en] {
                    assert!(text.contains("42"), "{s} {r:?}: {text}");
                    assert!(!text.contains('{'), "{s} {r:?}: {text}");
                }
            }
        }
    }

    #[test]
    fn a_municipality_replaces_a_template_and_typos_are_refused() {
        let t = Templates::load(Some(
            "[party.approved]\nsubject_ar = \"اعتُمد {id}\"\nsubject_en = \"Approved {id}\"\nbody_ar = \"-\"\nbody_en = \"-\"\n",
        ))
        .unwrap();
        let f = Facts {
            status: RequestStatus::Approved,
            comment: None,
            link: None,
            ..facts()
        };
        assert_eq!(t.render(Reason::Owner, &f).subject_en, "Approved 42");
        assert_eq!(t.render(Reason::Owner, &f).body_en, "-");
        let e = Templates::load(Some(
            "[party.approved]\nsubject_ar = \"{idd}\"\nsubject_en = \"\"\nbody_ar = \"\"\nbody_en = \"\"\n",
        ))
        .unwrap_err();
        assert!(e.contains("{idd} is not a placeholder"), "{e}");
        let e = Templates::load(Some(
            "[party.aproved]\nsubject_ar = \"\"\nsubject_en = \"\"\nbody_ar = \"\"\nbody_en = \"\"\n",
        ))
        .unwrap_err();
        assert!(e.contains("aproved"), "{e}");
        assert!(Templates::load(Some("[party.approved]\nsubject = \"x\"\n")).is_err());
    }

    #[test]
    fn an_issued_sketch_carries_its_serial() {
        let t = Templates::load(None).unwrap();
        let f = Facts {
            kind: RequestKind::SurveySketch,
            status: RequestStatus::Approved,
            comment: None,
            serial: Some("SK-2026-000007"),
            ..facts()
        };
        let m = t.render(Reason::Owner, &f);
        assert!(m.body_ar.contains("الرقم التسلسلي: SK-2026-000007"));
        assert!(m.body_en.contains("Serial: SK-2026-000007"));
        assert_eq!(m.subject_ar, "طلب رقم 42 (كروكي مساحي): اعتُمد");
    }
}
