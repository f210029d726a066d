//! Identity pages: registration, sign-in by email link, account and progressive profile,
//! HCP verification. Every form carries the CSRF token in a hidden `csrf` field.

use crate::components::{
    ButtonKind, Field, FieldError, FieldKind, NoticeKind, SelectOption, button, error_summary, field, link_button,
    notice,
};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, routes, t, tf};
use maud::{Markup, html};

/// Paths of the identity function.
pub const REGISTER: &str = "/register";
pub const LOGIN_VERIFY: &str = "/login/verify";
pub const PROFILE: &str = "/account/profile";
pub const VERIFY: &str = "/verify";

/// Countries offered at registration (ISO 3166-1 alpha-2), with their label keys.
pub const COUNTRIES: &[(&str, Msg)] = &[
    ("AT", Msg::IdentityCountryAt),
    ("BE", Msg::IdentityCountryBe),
    ("CH", Msg::IdentityCountryCh),
    ("CZ", Msg::IdentityCountryCz),
    ("DE", Msg::IdentityCountryDe),
    ("DK", Msg::IdentityCountryDk),
    ("ES", Msg::IdentityCountryEs),
    ("FI", Msg::IdentityCountryFi),
    ("FR", Msg::IdentityCountryFr),
    ("GB", Msg::IdentityCountryGb),
    ("IE", Msg::IdentityCountryIe),
    ("IT", Msg::IdentityCountryIt),
    ("NL", Msg::IdentityCountryNl),
    ("PL", Msg::IdentityCountryPl),
    ("PT", Msg::IdentityCountryPt),
    ("SE", Msg::IdentityCountrySe),
    ("US", Msg::IdentityCountryUs),
    ("CA", Msg::IdentityCountryCa),
];

/// Professions (codes as stored in `users.profession`).
pub const PROFESSIONS: &[(&str, Msg)] = &[
    ("physician", Msg::IdentityProfessionPhysician),
    ("pharmacist", Msg::IdentityProfessionPharmacist),
    ("nurse", Msg::IdentityProfessionNurse),
    ("other", Msg::IdentityProfessionOther),
];

/// Steps of the progressive profile, asked one at a time after sign-up.
pub const PROFILE_STEPS: &[(&str, Msg, Msg)] = &[
    ("specialty", Msg::IdentityProfileSpecialty, Msg::IdentityProfileSpecialtyWhy),
    ("practice_setting", Msg::IdentityProfilePracticeSetting, Msg::IdentityProfilePracticeSettingWhy),
    ("interests", Msg::IdentityProfileInterests, Msg::IdentityProfileInterestsWhy),
];

pub fn label_of(locale: Locale, table: &[(&str, Msg)], code: &str) -> String {
    table.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_owned(), |(_, m)| t(locale, *m).to_owned())
}

fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(routes::CSRF_FIELD) value=(token); }
}

fn progress(l: Locale, step: u32, of: u32) -> Markup {
    html! {
        p.progress aria-live="polite" {
            (tf(l, Msg::IdentityProgress, &[("step", &step.to_string()), ("total", &of.to_string())]))
        }
    }
}

/// Values and errors of the registration form.
#[derive(Clone, Debug, Default)]
pub struct RegisterView {
    pub csrf: String,
    pub email: String,
    pub country: String,
    pub profession: String,
    pub name: String,
    pub terms: bool,
    pub comms: bool,
    /// (field id, message)
    pub errors: Vec<(&'static str, Msg)>,
}

pub fn register(ctx: &PageContext, v: &RegisterView) -> Markup {
    let l = ctx.locale;
    let err = |id: &str| v.errors.iter().find(|(f, _)| *f == id).map(|(_, m)| t(l, *m));
    let countries: Vec<SelectOption<'_>> =
        COUNTRIES.iter().map(|(c, m)| SelectOption { value: c, label: t(l, *m) }).collect();
    let professions: Vec<SelectOption<'_>> =
        PROFESSIONS.iter().map(|(c, m)| SelectOption { value: c, label: t(l, *m) }).collect();
    let summary: Vec<FieldError<'_>> =
        v.errors.iter().map(|(id, m)| FieldError { field_id: id, message: t(l, *m) }).collect();
    page(
        ctx,
        t(l, Msg::IdentityRegisterTitle),
        html! {
            h1 { (t(l, Msg::IdentityRegisterTitle)) }
            (progress(l, 1, 3))
            p.lead { (t(l, Msg::IdentityRegisterIntro)) }
            @if !summary.is_empty() { (error_summary(l, &summary)) }
            form method="post" action=(REGISTER) novalidate {
                (csrf_field(&v.csrf))
                (field(l, &Field::new(FieldKind::Email, "email", "email", t(l, Msg::IdentityEmail))
                    .value(&v.email).required().autocomplete("email").hint(t(l, Msg::IdentityEmailWhy)).error(err("email"))))
                (field(l, &Field::new(FieldKind::Select(&countries), "country", "country", t(l, Msg::IdentityCountry))
                    .value(&v.country).required().autocomplete("country").hint(t(l, Msg::IdentityCountryWhy)).error(err("country"))))
                (field(l, &Field::new(FieldKind::Select(&professions), "profession", "profession", t(l, Msg::IdentityProfession))
                    .value(&v.profession).required().hint(t(l, Msg::IdentityProfessionWhy)).error(err("profession"))))
                (field(l, &Field::new(FieldKind::Text, "name", "name", t(l, Msg::IdentityName))
                    .value(&v.name).required().autocomplete("name").hint(t(l, Msg::IdentityNameWhy)).error(err("name"))))
                (field(l, &Field::new(FieldKind::Checkbox, "terms", "terms", t(l, Msg::IdentityConsentTerms))
                    .checked(v.terms).required().error(err("terms"))))
                (field(l, &Field::new(FieldKind::Checkbox, "comms", "comms", t(l, Msg::IdentityConsentComms))
                    .checked(v.comms)))
                p { (t(l, Msg::IdentityRegisterNoPassword)) }
                (button(ButtonKind::Primary, t(l, Msg::IdentityRegisterSubmit)))
            }
            p { (t(l, Msg::IdentityRegisterHaveAccount)) " " a href=(routes::LOGIN) { (t(l, Msg::NavSignIn)) } }
        },
    )
}

pub fn login(ctx: &PageContext, csrf: &str, email: &str, error: Option<Msg>) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityLoginTitle),
        html! {
            h1 { (t(l, Msg::IdentityLoginTitle)) }
            p.lead { (t(l, Msg::IdentityLoginIntro)) }
            @if let Some(m) = error {
                (error_summary(l, &[FieldError { field_id: "email", message: t(l, m) }]))
            }
            form method="post" action=(routes::LOGIN) novalidate {
                (csrf_field(csrf))
                (field(l, &Field::new(FieldKind::Email, "email", "email", t(l, Msg::IdentityEmail))
                    .value(email).required().autocomplete("email").error(error.map(|m| t(l, m)))))
                (button(ButtonKind::Primary, t(l, Msg::IdentityLoginSubmit)))
            }
            p { (t(l, Msg::IdentityLoginNoAccount)) " " a href=(REGISTER) { (t(l, Msg::IdentityRegisterTitle)) } }
        },
    )
}

/// After a sign-in or registration request: the same page whether or not the address is known.
pub fn check_email(ctx: &PageContext) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityCheckEmailTitle),
        html! {
            h1 { (t(l, Msg::IdentityCheckEmailTitle)) }
            (notice(NoticeKind::Success, t(l, Msg::IdentityCheckEmailText)))
            p { (t(l, Msg::IdentityCheckEmailSameBrowser)) }
            @if ctx.dev_mode {
                p { a href=(routes::DEV_OUTBOX) { (t(l, Msg::IdentityCheckEmailDevOutbox)) } }
            }
        },
    )
}

/// The page a sign-in link opens: one button that POSTs (mail scanners only GET).
pub fn login_confirm(ctx: &PageContext, csrf: &str, region: &str, token: &str) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityConfirmTitle),
        html! {
            h1 { (t(l, Msg::IdentityConfirmTitle)) }
            p.lead { (t(l, Msg::IdentityConfirmIntro)) }
            form method="post" action=(LOGIN_VERIFY) {
                (csrf_field(csrf))
                input type="hidden" name="r" value=(region);
                input type="hidden" name="t" value=(token);
                (button(ButtonKind::Primary, t(l, Msg::IdentityConfirmSubmit)))
            }
        },
    )
}

/// A link that cannot be used (expired, used, other browser): one message for all cases.
pub fn link_invalid(ctx: &PageContext) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityLinkInvalidTitle),
        html! {
            h1 { (t(l, Msg::IdentityLinkInvalidTitle)) }
            (notice(NoticeKind::Warning, t(l, Msg::IdentityLinkInvalidText)))
            p { (link_button(ButtonKind::Primary, routes::LOGIN, t(l, Msg::IdentityLinkInvalidAgain))) }
        },
    )
}

#[derive(Clone, Debug, Default)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub country: String,
    pub profession: String,
    pub region: String,
    pub roles: String,
    /// unverified | pending | verified | rejected
    pub status: String,
    /// The next profile question, if any: (step code, step number, total steps).
    pub next_step: Option<(&'static str, u32, u32)>,
    pub staff_without_second_factor: bool,
}

fn status_msg(status: &str) -> Msg {
    match status {
        "verified" => Msg::IdentityStatusVerified,
        "pending" => Msg::IdentityStatusPending,
        "rejected" => Msg::IdentityStatusRejected,
        _ => Msg::IdentityStatusUnverified,
    }
}

pub fn account(ctx: &PageContext, v: &AccountView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityAccountTitle),
        html! {
            h1 { (t(l, Msg::IdentityAccountTitle)) }
            @if v.status != "verified" {
                (notice(NoticeKind::Info, html! {
                    p { (t(l, status_msg(&v.status))) }
                    @if v.status == "unverified" || v.status == "rejected" {
                        p { (link_button(ButtonKind::Primary, VERIFY, t(l, Msg::IdentityVerifyStart))) }
                    }
                }))
            }
            @if v.staff_without_second_factor {
                (notice(NoticeKind::Warning, t(l, Msg::IdentityStaffSecondFactor)))
            }
            dl.summary {
                dt { (t(l, Msg::IdentityName)) } dd { (v.name) }
                dt { (t(l, Msg::IdentityEmail)) } dd { (v.email) }
                dt { (t(l, Msg::IdentityCountry)) } dd { (label_of(l, COUNTRIES, &v.country)) }
                dt { (t(l, Msg::IdentityProfession)) } dd { (label_of(l, PROFESSIONS, &v.profession)) }
                dt { (t(l, Msg::IdentityVerification)) } dd { (t(l, status_msg(&v.status))) }
                dt { (t(l, Msg::IdentityRoles)) } dd { (v.roles) }
                dt { (t(l, Msg::IdentityRegion)) } dd { (v.region) }
            }
            @if let Some((_, step, total)) = v.next_step {
                section aria-labelledby="profile-next" {
                    h2 #profile-next { (t(l, Msg::IdentityProfileNextTitle)) }
                    (progress(l, step, total))
                    p { (t(l, Msg::IdentityProfileNextText)) }
                    p { (link_button(ButtonKind::Secondary, PROFILE, t(l, Msg::IdentityProfileContinue))) }
                }
            }
        },
    )
}

/// One progressive-profile question with its "why we ask" text. Skippable.
pub fn profile_step(ctx: &PageContext, csrf: &str, step: &'static str, number: u32, total: u32) -> Markup {
    let l = ctx.locale;
    let (label, why) = PROFILE_STEPS
        .iter()
        .find(|(c, _, _)| *c == step)
        .map_or((Msg::IdentityProfileSpecialty, Msg::IdentityProfileSpecialtyWhy), |(_, a, b)| (*a, *b));
    page(
        ctx,
        t(l, Msg::IdentityProfileTitle),
        html! {
            h1 { (t(l, Msg::IdentityProfileTitle)) }
            (progress(l, number, total))
            form method="post" action=(PROFILE) novalidate {
                (csrf_field(csrf))
                input type="hidden" name="step" value=(step);
                (field(l, &Field::new(FieldKind::Text, "value", "value", t(l, label)).hint(t(l, why))))
                (button(ButtonKind::Primary, t(l, Msg::IdentityProfileSave)))
                " "
                button.button.button--secondary type="submit" name="skip" value="1" { (t(l, Msg::IdentityProfileSkip)) }
            }
        },
    )
}

#[derive(Clone, Debug, Default)]
pub struct VerifyView {
    pub csrf: String,
    pub status: String,
    /// The NPI route applies (US).
    pub npi: bool,
    pub npi_value: String,
    pub error: Option<Msg>,
    pub outcome: Option<Msg>,
}

pub fn verify(ctx: &PageContext, v: &VerifyView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityVerifyTitle),
        html! {
            h1 { (t(l, Msg::IdentityVerifyTitle)) }
            (progress(l, 2, 3))
            p.lead { (t(l, Msg::IdentityVerifyIntro)) }
            p { (t(l, status_msg(&v.status))) }
            @if let Some(m) = v.outcome { (notice(NoticeKind::Info, t(l, m))) }
            @if v.status != "verified" && v.npi {
                @if let Some(m) = v.error {
                    (error_summary(l, &[FieldError { field_id: "npi", message: t(l, m) }]))
                }
                form method="post" action=(VERIFY) novalidate {
                    (csrf_field(&v.csrf))
                    (field(l, &Field::new(FieldKind::Text, "npi", "npi", t(l, Msg::IdentityNpi))
                        .value(&v.npi_value).required().hint(t(l, Msg::IdentityNpiWhy)).error(v.error.map(|m| t(l, m)))))
                    (button(ButtonKind::Primary, t(l, Msg::IdentityVerifySubmit)))
                }
            } @else if v.status != "verified" {
                p { (t(l, Msg::IdentityVerifyManual)) }
            }
        },
    )
}
