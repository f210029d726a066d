//! From stored inquiries and threads to the templates' view models.

use medportal_templates::pages::inquiries::{CitationView, MessageView, OffLabelView, Row, ThreadView};
use time::OffsetDateTime;

use crate::inquiry::{self, Inquiry};
use crate::model::Status;
use crate::off_label::{self, OffLabel};
use crate::thread::Message;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub fn row(inq: &Inquiry, href: String, now: i64) -> Row {
    Row {
        reference: inq.reference.clone(),
        href,
        status: inq.status.code().to_owned(),
        product: inq.product.clone(),
        category: inq.category.code().to_owned(),
        urgency: inq.urgency.code().to_owned(),
        received: at(inq.received_at),
        due: inquiry::due_at(inq),
        overdue: inq.status.open() && inq.due_at < now,
        assignee: inq.assignee.clone(),
        market: inq.market.clone(),
    }
}

fn message(m: &Message) -> MessageView {
    MessageView {
        kind: m.kind.code().to_owned(),
        author: m.author.clone(),
        body: m.body.clone(),
        citations: m
            .citations
            .iter()
            .map(|c| CitationView { slug: c.slug.clone(), version: c.version, sha256: c.sha256.clone(), title: c.title.clone() })
            .collect(),
        at: at(m.at),
    }
}

/// The thread as its owner may act on it (`language`: the reader's, for the product
/// information of an off-label inquiry's letters).
pub fn thread(inq: &Inquiry, messages: &[Message], off: Option<OffLabel>, language: &str, csrf: String) -> ThreadView {
    ThreadView {
        csrf,
        reference: inq.reference.clone(),
        status: inq.status.code().to_owned(),
        product: inq.product.clone(),
        category: inq.category.code().to_owned(),
        urgency: inq.urgency.code().to_owned(),
        channel: inq.channel.code().to_owned(),
        patient_context: inq.patient_context.clone(),
        received: at(inq.received_at),
        due: inquiry::due_at(inq),
        messages: messages.iter().map(message).collect(),
        rating: inq.rating,
        may_follow_up: !matches!(inq.status, Status::Closed | Status::Referred),
        may_rate: inq.answered_at != 0,
        may_close: inq.status.may_become(Status::Closed),
        off_label: off.map(|o| OffLabelView { use_asked: o.use_asked, information: off_label::information(&inq.product, language) }),
    }
}
