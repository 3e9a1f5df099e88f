//! Addresses notifications go to, parsed once when an account is added.

/// A mobile number as the SMS gateway takes it: `+` and the country code. Saudi numbers may be
/// given as `05XXXXXXXX`, `5XXXXXXXX`, `9665XXXXXXXX` or `009665XXXXXXXX`; spaces, dashes and
/// Arabic-Indic digits are accepted.
pub fn mobile(s: &str) -> Result<String, String> {
    let mut digits = String::new();
    let mut plus = false;
    for (i, c) in s.trim().chars().enumerate() {
        match c {
            '+' if i == 0 => plus = true,
            ' ' | '-' | '(' | ')' => {}
            '0'..='9' => digits.push(c),
            '٠'..='٩' => digits.push(char::from(b'0' + (c as u32 - '٠' as u32) as u8)),
            '۰'..='۹' => digits.push(char::from(b'0' + (c as u32 - '۰' as u32) as u8)),
            _ => return Err(format!("{c:?} is not part of a phone number")),
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix("05") {
        format!("9665{rest}")
    } else if digits.starts_with('5') && digits.len() == 9 {
        format!("966{digits}")
    } else {
        digits
    };
    if let Some(local) = international.strip_prefix("966") {
        if !(local.len() == 9 && local.starts_with('5')) {
            return Err(
                "a Saudi mobile number has 9 digits after 966 and starts with 5 (05XXXXXXXX)"
                    .into(),
            );
        }
    } else if !(8..=15).contains(&international.len()) || international.starts_with('0') {
        return Err("give the number with its country code, e.g. +9665XXXXXXXX".into());
    }
    Ok(format!("+{international}"))
}

/// An e-mail address (as SMTP takes it), at most 254 characters.
pub fn email(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() > 254 {
        return Err("an e-mail address has at most 254 characters".into());
    }
    s.parse::<lettre::Address>()
        .map(|a| a.to_string())
        .map_err(|e| format!("{s:?} is not an e-mail address ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saudi_mobiles_in_every_usual_form() {
        for s in [
            "0551234567",
            "055 123 4567",
            "+966551234567",
            "00966551234567",
            "966551234567",
            "551234567",
            "٠٥٥١٢٣٤٥٦٧",
        ] {
            assert_eq!(mobile(s).as_deref(), Ok("+966551234567"), "{s}");
        }
        assert_eq!(mobile("+44 7700 900123").as_deref(), Ok("+447700900123"));
        for bad in [
            "0131234567",
            "+96613123456",
            "12",
            "05512345x7",
            "+9665512345678",
            "",
        ] {
            assert!(mobile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" surveyor@office.sa ").as_deref(),
            Ok("surveyor@office.sa")
        );
        let long = format!("{}@e.sa", "x".repeat(250));
        for bad in ["no-at-sign", "a@", "@b.sa", "a b@c.sa", long.as_str()] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
