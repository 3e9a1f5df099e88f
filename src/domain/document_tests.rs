use proptest::prelude::*;

use super::*;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";
const PNG_FILE: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
const DXF: &[u8] = b"  0\r\nSECTION\r\n  2\r\nENTITIES\r\n  0\r\nENDSEC\r\n  0\r\nEOF\r\n";
const DXF_BINARY: &[u8] = b"AutoCAD Binary DXF\r\n\x1a\x00\x00\x00SECTION";

fn samples() -> [(&'static [u8], MediaType); 5] {
    [
        (PDF, MediaType::Pdf),
        (JPEG, MediaType::Jpeg),
        (PNG_FILE, MediaType::Png),
        (DXF, MediaType::Dxf),
        (DXF_BINARY, MediaType::Dxf),
    ]
}

#[test]
fn each_accepted_kind_is_told_by_its_bytes() {
    for (bytes, kind) in samples() {
        assert_eq!(MediaType::sniff(bytes), Some(kind));
    }
    // Blank lines and a byte-order mark before the first pair; no trailing newline.
    assert_eq!(
        MediaType::sniff(b"\xEF\xBB\xBF\n\r\n  \n0\nSECTION"),
        Some(MediaType::Dxf)
    );
}

#[test]
fn other_files_are_not_accepted_and_are_described() {
    let others: [(&[u8], &str); 8] = [
        (
            b"<!DOCTYPE html><html><body>hi</body></html>",
            "an HTML page",
        ),
        (
            b"PK\x03\x04\x14\x00\x00\x00",
            "a ZIP archive (or an Office document)",
        ),
        (b"MZ\x90\x00\x03\x00\x00\x00", "a Windows program"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"", "an empty file"),
        (b"hello, world\n", "a text file"),
        (b"999\ncomment\n0\nSECTION\n", "a text file"),
        (b"\x00\x01\x02\xFF\xFE", "a file of an unknown kind"),
    ];
    for (bytes, what) in others {
        assert_eq!(MediaType::sniff(bytes), None, "{what}");
        assert_eq!(describe_unaccepted(bytes), what);
    }
    // Near misses: a PDF signature later in the file, a second line that is not SECTION,
    // group code 0 spelled otherwise.
    for near in [
        &b" %PDF-1.4"[..],
        b"0\nSECTIONS\n",
        b"0\nHEADER\n",
        b"00\nSECTION\n",
        b"\xFF\xD8",
        b"\x89PNG\r\n\x1a",
    ] {
        assert_eq!(MediaType::sniff(near), None, "{near:?}");
    }
}

#[test]
fn media_types_round_trip_through_their_mime_names() {
    for m in MediaType::ALL {
        assert_eq!(MediaType::from_mime(m.mime()), Some(m));
    }
    assert_eq!(MediaType::from_mime("text/html"), None);
}

#[test]
fn file_names_lose_paths_and_control_characters_and_keep_arabic() {
    let s = |n: &str| sanitize_file_name(n);
    assert_eq!(s("../../etc/passwd").as_deref(), Some("passwd"));
    assert_eq!(
        s(r"C:\Users\x\مخطط الأرض.pdf").as_deref(),
        Some("مخطط الأرض.pdf")
    );
    assert_eq!(s("a\u{0}b\nc\u{7f}.pdf").as_deref(), Some("abc.pdf"));
    assert_eq!(s("report\u{202E}fdp.exe").as_deref(), Some("reportfdp.exe"));
    assert_eq!(s("  .hidden.png ").as_deref(), Some("hidden.png"));
    assert_eq!(s("a:b?.png").as_deref(), Some("a_b_.png"));
    assert_eq!(s("/"), None);
    assert_eq!(s("..."), None);
    let long = format!("{}.pdf", "ب".repeat(500));
    let short = s(&long).unwrap_or_default();
    assert_eq!(short.chars().count(), MAX_FILE_NAME);
    assert!(short.ends_with(".pdf"));
}

#[test]
fn a_name_must_fit_the_content() {
    assert_eq!(
        file_name_for(Some("Plan.PDF"), MediaType::Pdf, "document"),
        Ok("Plan.PDF".into())
    );
    assert_eq!(
        file_name_for(Some("صورة.jpeg"), MediaType::Jpeg, "document"),
        Ok("صورة.jpeg".into())
    );
    assert_eq!(
        file_name_for(Some("scan"), MediaType::Png, "document"),
        Ok("scan.png".into())
    );
    assert_eq!(
        file_name_for(None, MediaType::Dxf, "document-1"),
        Ok("document-1.dxf".into())
    );
    let e = file_name_for(Some("deed.pdf"), MediaType::Jpeg, "document").unwrap_err();
    assert_eq!(e.claimed, "a PDF document");
    let message = e.to_string();
    assert!(
        message.contains("deed.pdf is a JPEG image") && message.contains(".jpg"),
        "{message}"
    );
    let e = file_name_for(Some("setup.exe"), MediaType::Pdf, "document").unwrap_err();
    assert_eq!(e.claimed, "a .exe file");
}

fn sample() -> impl Strategy<Value = (Vec<u8>, MediaType)> {
    prop::sample::select(samples().to_vec()).prop_map(|(b, m)| (b.to_vec(), m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any bytes: no panic, and an answer that agrees with the signatures.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let kind = MediaType::sniff(&bytes);
        let _ = describe_unaccepted(&bytes);
        if kind == Some(MediaType::Pdf) {
            prop_assert!(bytes.starts_with(b"%PDF-"));
        }
        if kind == Some(MediaType::Png) {
            prop_assert!(bytes.starts_with(PNG));
        }
    }

    /// A valid file with anything after its signature is still of its kind.
    #[test]
    fn a_signature_decides_whatever_follows(
        (head, kind) in sample(),
        tail in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut bytes = head.clone();
        bytes.extend_from_slice(&tail);
        prop_assert_eq!(MediaType::sniff(&bytes), Some(kind));
    }

    /// A file cut short is either still of its kind or of none: never taken for another kind.
    #[test]
    fn a_prefix_is_never_another_kind((bytes, kind) in sample(), cut in 0usize..200) {
        let prefix = &bytes[..cut.min(bytes.len())];
        let got = MediaType::sniff(prefix);
        prop_assert!(got.is_none() || got == Some(kind), "{:?} of {:?} read as {:?}", prefix, kind, got);
        // Shorter than the signature itself: not recognised at all.
        if prefix.len() < 3 {
            prop_assert_eq!(got, None);
        }
    }

    /// Any name: a clean, short name or none, never a path or a control character.
    #[test]
    fn sanitised_names_are_clean(name in "\\PC{0,300}|[\\x00-\\x7f]{0,50}") {
        if let Some(n) = sanitize_file_name(&name) {
            prop_assert!(!n.is_empty() && n.chars().count() <= MAX_FILE_NAME);
            prop_assert!(!n.contains('/') && !n.contains('\\') && !n.starts_with('.'));
            prop_assert!(!n.chars().any(|c| c.is_control() || is_format_char(c)));
        }
    }
}
