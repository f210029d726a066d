//! Legal pages: privacy notice, terms of use, legal notice (imprint) and
//! accessibility statement. Their text lives in the message catalogs; this
//! module only describes each page's structure.

use super::{
    ACCESSIBILITY_EMAIL, COMPANY_EMAIL, DPO_EMAIL, ae_hint, contact_list, mailto, with_markup,
};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, t};
use maud::{Markup, html};

/// Which legal page to render (see [`legal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalPage {
    Privacy,
    Terms,
    Imprint,
    Accessibility,
}

/// A value in a [`Block::Facts`] list.
enum Value {
    Text(Msg),
    Email(&'static str),
}

/// One piece of a section.
enum Block {
    P(Msg),
    /// Intro paragraph and a bulleted list.
    List(Msg, &'static [Msg]),
    /// A bulleted list without intro.
    Bullets(&'static [Msg]),
    /// Paragraph whose `{email}` placeholder becomes a mailto link.
    Mail(Msg, &'static str),
    /// A description list of label/value pairs.
    Facts(&'static [(Msg, Value)]),
    /// Two-line postal address (name, address).
    Address(Msg, Msg),
    /// Phone and email of Medical Information (from the page context).
    MedInfoContact,
    /// "Report suspected adverse reactions" with a link to how to do it.
    AeHint,
}

struct Section {
    heading: Msg,
    blocks: &'static [Block],
}

struct Doc {
    title: Msg,
    intro: Msg,
    /// Shown as a notice above the first section.
    notice: Option<Msg>,
    sections: &'static [Section],
}

const PRIVACY: Doc = Doc {
    title: Msg::FooterPrivacy,
    intro: Msg::LegalPrivacyIntro,
    notice: None,
    sections: &[
        Section {
            heading: Msg::LegalPrivacyControllerHeading,
            blocks: &[
                Block::P(Msg::LegalPrivacyControllerText),
                Block::Mail(Msg::PrivacyDpoContact, DPO_EMAIL),
            ],
        },
        Section {
            heading: Msg::LegalPrivacyDataHeading,
            blocks: &[
                Block::List(
                    Msg::LegalPrivacyDataIntro,
                    &[
                        Msg::LegalPrivacyDataAccount,
                        Msg::LegalPrivacyDataInquiries,
                        Msg::LegalPrivacyDataSafety,
                        Msg::LegalPrivacyDataTechnical,
                    ],
                ),
                Block::P(Msg::LegalPrivacyDataCookies),
            ],
        },
        Section {
            heading: Msg::LegalPrivacyPurposesHeading,
            blocks: &[
                Block::P(Msg::LegalPrivacyPurposeVerification),
                Block::P(Msg::LegalPrivacyPurposeContent),
                Block::P(Msg::LegalPrivacyPurposeInquiries),
                Block::P(Msg::LegalPrivacyPurposePharmacovigilance),
                Block::P(Msg::LegalPrivacyPurposeSecurity),
            ],
        },
        Section {
            heading: Msg::LegalPrivacyResidencyHeading,
            blocks: &[Block::P(Msg::LegalPrivacyResidencyText)],
        },
        Section {
            heading: Msg::LegalPrivacyRetentionHeading,
            blocks: &[Block::Bullets(&[
                Msg::LegalPrivacyRetentionAccount,
                Msg::LegalPrivacyRetentionInquiries,
                Msg::LegalPrivacyRetentionSafety,
                Msg::LegalPrivacyRetentionTechnical,
            ])],
        },
        Section {
            heading: Msg::LegalPrivacyRightsHeading,
            blocks: &[
                Block::List(
                    Msg::LegalPrivacyRightsIntro,
                    &[
                        Msg::LegalPrivacyRightAccess,
                        Msg::LegalPrivacyRightRectification,
                        Msg::LegalPrivacyRightErasure,
                        Msg::LegalPrivacyRightRestriction,
                        Msg::LegalPrivacyRightPortability,
                        Msg::LegalPrivacyRightObjection,
                    ],
                ),
                Block::P(Msg::LegalPrivacyRightComplaint),
            ],
        },
        Section {
            heading: Msg::LegalPrivacyContactHeading,
            blocks: &[
                Block::P(Msg::LegalPrivacyContactText),
                Block::Mail(Msg::PrivacyDpoContact, DPO_EMAIL),
            ],
        },
    ],
};

const TERMS: Doc = Doc {
    title: Msg::FooterTerms,
    intro: Msg::LegalTermsIntro,
    notice: None,
    sections: &[
        Section {
            heading: Msg::LegalTermsAudienceHeading,
            blocks: &[Block::P(Msg::LegalTermsAudienceText)],
        },
        Section {
            heading: Msg::LegalTermsScientificHeading,
            blocks: &[
                Block::P(Msg::LegalTermsScientificText),
                Block::P(Msg::LegalTermsLocalInfo),
            ],
        },
        Section {
            heading: Msg::LegalTermsAdviceHeading,
            blocks: &[Block::P(Msg::LegalTermsAdviceText)],
        },
        Section {
            heading: Msg::LegalTermsAeHeading,
            blocks: &[Block::P(Msg::LegalTermsAeText), Block::AeHint],
        },
        Section {
            heading: Msg::LegalTermsAccountHeading,
            blocks: &[Block::P(Msg::LegalTermsAccountText)],
        },
        Section {
            heading: Msg::LegalTermsUseHeading,
            blocks: &[
                Block::P(Msg::LegalTermsUseText),
                Block::P(Msg::LegalTermsLiabilityText),
                Block::P(Msg::LegalTermsChangesText),
            ],
        },
    ],
};

const IMPRINT: Doc = Doc {
    title: Msg::FooterImprint,
    intro: Msg::LegalImprintIntro,
    notice: Some(Msg::LegalImprintDemoNotice),
    sections: &[
        Section {
            heading: Msg::LegalImprintProviderHeading,
            blocks: &[
                Block::Address(Msg::LegalImprintCompany, Msg::LegalImprintAddress),
                Block::Facts(&[
                    (
                        Msg::LegalImprintRepresentedLabel,
                        Value::Text(Msg::LegalImprintRepresented),
                    ),
                    (Msg::LegalImprintEmailLabel, Value::Email(COMPANY_EMAIL)),
                    (
                        Msg::LegalImprintRegisterLabel,
                        Value::Text(Msg::LegalImprintRegister),
                    ),
                    (Msg::LegalImprintVatLabel, Value::Text(Msg::LegalImprintVat)),
                    (
                        Msg::LegalImprintAuthorityLabel,
                        Value::Text(Msg::LegalImprintAuthority),
                    ),
                    (
                        Msg::LegalImprintResponsibleLabel,
                        Value::Text(Msg::LegalImprintResponsible),
                    ),
                ]),
            ],
        },
        Section {
            heading: Msg::LegalImprintMedinfoHeading,
            blocks: &[
                Block::P(Msg::LegalImprintMedinfoText),
                Block::MedInfoContact,
            ],
        },
    ],
};

const ACCESSIBILITY: Doc = Doc {
    title: Msg::FooterAccessibility,
    intro: Msg::LegalAccessibilityIntro,
    notice: None,
    sections: &[
        Section {
            heading: Msg::LegalAccessibilityStatusHeading,
            blocks: &[Block::P(Msg::LegalAccessibilityStatusText)],
        },
        Section {
            heading: Msg::LegalAccessibilityMeasuresHeading,
            blocks: &[Block::List(
                Msg::LegalAccessibilityMeasuresIntro,
                &[
                    Msg::LegalAccessibilityMeasureNoJs,
                    Msg::LegalAccessibilityMeasureKeyboard,
                    Msg::LegalAccessibilityMeasureStructure,
                    Msg::LegalAccessibilityMeasureContrast,
                    Msg::LegalAccessibilityMeasureZoom,
                    Msg::LegalAccessibilityMeasureLanguage,
                ],
            )],
        },
        Section {
            heading: Msg::LegalAccessibilityLimitsHeading,
            blocks: &[Block::P(Msg::LegalAccessibilityLimitsText)],
        },
        Section {
            heading: Msg::LegalAccessibilityFeedbackHeading,
            blocks: &[
                Block::Mail(Msg::LegalAccessibilityFeedbackText, ACCESSIBILITY_EMAIL),
                Block::P(Msg::LegalAccessibilityEnforcementText),
            ],
        },
    ],
};

fn doc(which: LegalPage) -> &'static Doc {
    match which {
        LegalPage::Privacy => &PRIVACY,
        LegalPage::Terms => &TERMS,
        LegalPage::Imprint => &IMPRINT,
        LegalPage::Accessibility => &ACCESSIBILITY,
    }
}

fn block(ctx: &PageContext, l: Locale, b: &Block) -> Markup {
    match b {
        Block::P(msg) => html! { p { (t(l, *msg)) } },
        Block::List(intro, items) => html! {
            p { (t(l, *intro)) }
            ul { @for item in *items { li { (t(l, *item)) } } }
        },
        Block::Bullets(items) => html! {
            ul { @for item in *items { li { (t(l, *item)) } } }
        },
        Block::Mail(msg, email) => html! { p { (with_markup(l, *msg, "email", mailto(email))) } },
        Block::Facts(facts) => html! {
            dl.meta {
                @for (label, value) in *facts {
                    div {
                        dt { (t(l, *label)) }
                        dd {
                            @match value {
                                Value::Text(msg) => (t(l, *msg)),
                                Value::Email(email) => (mailto(email)),
                            }
                        }
                    }
                }
            }
        },
        Block::Address(name, address) => html! {
            p { strong { (t(l, *name)) } br; (t(l, *address)) }
        },
        Block::MedInfoContact => contact_list(ctx),
        Block::AeHint => ae_hint(l),
    }
}

/// A legal page: `<h1>`, intro, optional notice, one `<section>` with an
/// `<h2>` per topic.
pub fn legal(ctx: &PageContext, which: LegalPage) -> Markup {
    let l = ctx.locale;
    let d = doc(which);
    page(
        ctx,
        t(l, d.title),
        html! {
            h1 { (t(l, d.title)) }
            p.lead { (t(l, d.intro)) }
            // Static text, so no live-region role (unlike `components::notice`).
            @if let Some(msg) = d.notice { p.notice.notice--warning { (t(l, msg)) } }
            @for section in d.sections {
                section {
                    h2 { (t(l, section.heading)) }
                    @for b in section.blocks { (block(ctx, l, b)) }
                }
            }
        },
    )
}
