//! Folding and canonical words: each rule alone, then real names as people type them.

use super::*;

fn w(s: &str) -> Vec<String> {
    words(s)
}

#[test]
fn tashkeel_shadda_sukun_tanwin_and_dagger_alif_are_removed() {
    assert_eq!(fold("الدَّمَّام"), "الدمام");
    assert_eq!(fold("الصَّيْدَلِيَّة"), "الصيدليه");
    assert_eq!(fold("كتابٌ كتابًا كتابٍ"), "كتاب كتابا كتاب");
    assert_eq!(fold("هٰذا الرَّحْمٰن"), "هذا الرحمن");
}

#[test]
fn quranic_marks_and_tatweel_are_removed() {
    assert_eq!(fold("صيـــدلية"), "صيدليه");
    assert_eq!(fold("الرَّحِيمِ ۝"), "الرحيم");
    assert_eq!(fold("قُلْۖ"), "قل");
    assert_eq!(fold("ـــــ"), "");
}

#[test]
fn alef_forms_fold_to_bare_alef() {
    for s in ["أمل", "إمل", "آمل", "ٱمل", "امل"] {
        assert_eq!(fold(s), "امل", "{s}");
    }
    assert_eq!(fold("الأمل"), fold("الامل"));
    assert_eq!(fold("إبراهيم"), "ابراهيم");
}

#[test]
fn alef_maqsura_and_persian_yeh_fold_to_yeh() {
    assert_eq!(fold("مستشفى"), "مستشفي");
    assert_eq!(fold("مستشفی"), "مستشفي");
    assert_eq!(fold("عيسى"), fold("عيسي"));
}

#[test]
fn teh_marbuta_and_heh_meet() {
    assert_eq!(fold("صيدلية"), "صيدليه");
    assert_eq!(fold("صيدليه"), "صيدليه");
    assert_eq!(fold("مدرسة"), fold("مدرسه"));
}

#[test]
fn hamza_seats_fold_and_the_lone_hamza_is_dropped() {
    assert_eq!(fold("مؤسسة"), "موسسه");
    assert_eq!(fold("شاطئ"), "شاطي");
    assert_eq!(fold("شاطىء"), "شاطي");
    assert_eq!(fold("سماء"), "سما");
    assert_eq!(fold("مسئول"), "مسيول");
}

#[test]
fn persian_kaf_folds_to_arabic_kaf() {
    assert_eq!(fold("کنوز"), "كنوز");
}

#[test]
fn presentation_forms_and_ligatures_become_letters() {
    // "صيدلية" written in isolated/initial/medial/final presentation forms.
    assert_eq!(
        fold("\u{FEBB}\u{FEF4}\u{FEAA}\u{FEDF}\u{FEF4}\u{FE94}"),
        "صيدليه"
    );
    // Lam-alef ligatures and the word ligature of Allah.
    assert_eq!(fold("\u{FEFB}"), "لا");
    assert_eq!(fold("\u{FEF7}"), "لا");
    assert_eq!(fold("\u{FDF2}"), "الله");
}

#[test]
fn arabic_indic_and_persian_digits_become_ascii() {
    assert_eq!(fold("٠١٢٣٤٥٦٧٨٩"), "0123456789");
    assert_eq!(fold("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
    assert_eq!(fold("مخطط ١٢٣"), "مخطط 123");
    assert_eq!(fold("١٬٢٣٤"), "1234");
    assert_eq!(fold("１２３"), "123");
}

#[test]
fn latin_is_case_and_accent_folded() {
    assert_eq!(fold("Café Élysée"), "cafe elysee");
    assert_eq!(fold("NAHDI Pharmacy"), "nahdi pharmacy");
    assert_eq!(fold("Şişli Çarşı"), "sisli carsi");
    assert_eq!(fold("İstanbul"), "istanbul");
    assert_eq!(fold("ﬁne"), "fine");
}

#[test]
fn punctuation_becomes_one_space_and_slash_is_kept() {
    assert_eq!(fold("Al-Nahdi, Pharmacy!"), "al nahdi pharmacy");
    assert_eq!(fold("  (الدمام) ؛ الخبر؟ "), "الدمام الخبر");
    assert_eq!(fold("2/123"), "2/123");
    assert_eq!(fold("2\\123"), "2/123");
    assert_eq!(fold("a_b"), "a b");
    assert_eq!(fold("!!!"), "");
}

#[test]
fn invisible_marks_are_removed() {
    assert_eq!(fold("صيد\u{200C}لية"), "صيدليه");
    assert_eq!(fold("\u{200F}الدمام\u{200E}"), "الدمام");
    assert_eq!(fold("\u{FEFF}abc"), "abc");
}

#[test]
fn the_article_is_optional() {
    assert_eq!(canonical("الدمام"), "دمام");
    assert_eq!(canonical("دمام"), "دمام");
    assert_eq!(w("الدمام"), w("دمام"));
    assert_eq!(w("النهدي"), ["نهدي"]);
}

#[test]
fn conjunctions_and_prepositions_before_the_article_are_taken_off() {
    assert_eq!(canonical("بالدمام"), "دمام");
    assert_eq!(canonical("والنهدي"), "نهدي");
    assert_eq!(canonical("فالخبر"), "خبر");
    assert_eq!(canonical("كالبحر"), "بحر");
    assert_eq!(canonical("للخدمات"), "خدمات");
}

#[test]
fn short_words_keep_their_letters() {
    for word in ["الف", "والد", "بالغ", "لله", "ال", "وال"] {
        assert_eq!(canonical(word), word);
    }
    assert_eq!(canonical("pharmacy"), "pharmacy");
    assert_eq!(canonical("al"), "al");
}

#[test]
fn abd_compounds_are_joined() {
    assert_eq!(w("عبد العزيز"), w("عبدالعزيز"));
    assert_eq!(w("طريق الملك عبد الله"), ["طريق", "ملك", "عبدالله"]);
    assert_eq!(w("عبد"), ["عبد"]);
}

#[test]
fn words_cut_at_spaces_and_slashes() {
    assert_eq!(w("صيدلية النهدي"), ["صيدليه", "نهدي"]);
    assert_eq!(w("Al-Nahdi Pharmacy"), ["al", "nahdi", "pharmacy"]);
    assert_eq!(w("2/123"), ["2", "123"]);
    assert!(w(" ؟ ").is_empty());
}

#[test]
fn hamza_variants_of_a_hospital_name_meet() {
    assert_eq!(w("مستشفى الأمل"), w("مستشفي الامل"));
    assert_eq!(w("مستشفى الأمل"), w("مُسْتَشْفَى الأَمَل"));
    assert_eq!(w("مستشفى الأمل"), ["مستشفي", "امل"]);
}

#[test]
fn terms_offer_what_follows_a_half_typed_article() {
    let t = terms("الد");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].word, "الد");
    assert_eq!(t[0].prefixes, ["الد", "د"]);
    let t = terms("النه");
    assert_eq!(t[0].prefixes, ["نه"]);
    let t = terms("بالدم");
    assert_eq!(t[0].prefixes, ["بالدم", "دم"]);
    assert_eq!(terms("صيدل")[0].prefixes, ["صيدل"]);
}

#[test]
fn an_article_typed_alone_is_left_out_unless_it_is_everything() {
    let t = terms("صيدلية ال");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].word, "صيدليه");
    let t = terms("ال");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].word, "ال");
}

#[test]
fn a_joined_abd_word_takes_no_article_prefix() {
    let t = terms("عبد الع");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].word, "عبدالع");
    assert_eq!(t[0].prefixes, ["عبدالع"]);
}

#[test]
fn folding_is_idempotent() {
    for s in [
        "الصَّيْدَلِيَّة",
        "Café Élysée",
        "مخطط ١٢٣/٤",
        "\u{FEFB}",
        "شاطىء",
        "صيـــدلية",
        "İstanbul",
    ] {
        let once = fold(s);
        assert_eq!(fold(&once), once, "{s}");
    }
}
