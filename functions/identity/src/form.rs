//! A typed reader over submitted form fields (URL-encoded or the text fields of a multipart
//! body): named lookups instead of searching the pairs by hand. A missing field reads as empty.
//! Knows nothing about any particular form.

/// The fields of one submitted form, in the order they were sent.
#[derive(Debug, Clone, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn new(fields: Vec<(String, String)>) -> Form {
        Form(fields)
    }

    /// The first value of `name`, or `""` when the field was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name` without surrounding whitespace.
    pub fn trimmed(&self, name: &str) -> &str {
        self.get(name).trim()
    }

    /// A checkbox: ticked when sent with any non-empty value.
    pub fn checkbox(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// Every value of a repeated field (e.g. a group of checkboxes), in order.
    pub fn all<'f>(&'f self, name: &'f str) -> impl Iterator<Item = &'f str> + 'f {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl From<Vec<(String, String)>> for Form {
    fn from(fields: Vec<(String, String)>) -> Form {
        Form(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::Form;

    #[test]
    fn reads_fields_by_name() {
        let f = Form::from(vec![("a".into(), " x ".into()), ("r".into(), "1".into()), ("r".into(), "2".into()), ("c".into(), "on".into())]);
        assert_eq!(f.get("a"), " x ");
        assert_eq!(f.trimmed("a"), "x");
        assert_eq!(f.get("missing"), "");
        assert!(f.checkbox("c") && !f.checkbox("missing"));
        assert_eq!(f.all("r").collect::<Vec<_>>(), ["1", "2"]);
    }
}
