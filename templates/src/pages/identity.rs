//! Identity pages: registration, sign-in by email link, account and progressive profile,
//! HCP verification. Every form carries the CSRF token in a hidden `csrf` field.

use crate::components::{
    ButtonKind, Field, FieldError, FieldKind, NoticeKind, SelectOption, button, error_summary, field, link_button,
    notice,
};
use crate::components::{Table, data_table};
use crate::format::{format_date, format_datetime, format_number};
use crate::layout::{PageContext, page};
use time::OffsetDateTime;
use crate::{Locale, Msg, paths, t, tf};
use maud::{Markup, html};

pub use crate::paths::identity::{
    ADMIN_ROLES, ADMIN_VERIFICATIONS, LOGIN_VERIFY, PROFILE, REGISTER, SECOND_FACTOR, VERIFY, VERIFY_EVIDENCE, VERIFY_OIDC,
};

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
    html! { input type="hidden" name=(paths::CSRF_FIELD) value=(token); }
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
            p { (t(l, Msg::IdentityRegisterHaveAccount)) " " a href=(paths::identity::LOGIN) { (t(l, Msg::NavSignIn)) } }
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
            form method="post" action=(paths::identity::LOGIN) novalidate {
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
                p { a href=(paths::identity::DEV_OUTBOX) { (t(l, Msg::IdentityCheckEmailDevOutbox)) } }
            }
        },
    )
}

/// A mail the transport did not take (it is kept and retried): said plainly, with what to do.
pub fn mail_deferred(ctx: &PageContext) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityMailDeferredTitle),
        html! {
            h1 { (t(l, Msg::IdentityMailDeferredTitle)) }
            (notice(NoticeKind::Warning, t(l, Msg::IdentityMailDeferredText)))
            p { (t(l, Msg::IdentityMailDeferredAgain)) " " a href=(paths::identity::LOGIN) { (t(l, Msg::IdentityLoginSubmit)) } }
        },
    )
}

/// A link request stopped by a limit: said plainly, with when to try again; the same page
/// whether or not the address has an account.
pub fn too_many_links(ctx: &PageContext, minutes: u64) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityTooManyTitle),
        html! {
            h1 { (t(l, Msg::IdentityTooManyTitle)) }
            (notice(NoticeKind::Warning, &tf(l, Msg::IdentityTooManyText, &[("minutes", &minutes.to_string())])))
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
            p { (link_button(ButtonKind::Primary, paths::identity::LOGIN, t(l, Msg::IdentityLinkInvalidAgain))) }
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
    pub expiry: Option<Expiry>,
}

/// Where a person's verification stands in time.
#[derive(Clone, Copy, Debug)]
pub enum Expiry {
    Valid(OffsetDateTime),
    /// Valid, but ending soon: re-verification is open.
    DueSoon(OffsetDateTime),
    /// Ended: the person is unverified again.
    Lapsed(OffsetDateTime),
}

fn expiry_notice(l: Locale, e: Option<Expiry>) -> Markup {
    let d = |at: OffsetDateTime| format_date(l, at.date());
    html! {
        @match e {
            Some(Expiry::Valid(at)) => p { (tf(l, Msg::IdentityExpiryValid, &[("date", &d(at))])) },
            Some(Expiry::DueSoon(at)) => (notice(NoticeKind::Warning, html! {
                p { (tf(l, Msg::IdentityExpiryDue, &[("date", &d(at))])) }
                p { (link_button(ButtonKind::Primary, VERIFY, t(l, Msg::IdentityVerifyAgain))) }
            })),
            Some(Expiry::Lapsed(at)) => (notice(NoticeKind::Warning, tf(l, Msg::IdentityExpiryLapsed, &[("date", &d(at))]))),
            None => {}
        }
    }
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
            (expiry_notice(l, v.expiry))
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
            p { a href=(paths::audit::ACCOUNT_PRIVACY) { (t(l, Msg::PrivacyTitle)) } }
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

/// An open verification request.
#[derive(Clone, Debug)]
pub struct PendingRequest {
    /// npi | oidc | manual
    pub method: String,
    pub submitted: OffsetDateTime,
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
    /// Not verified, or within the re-verification window.
    pub can_verify: bool,
    /// The external verification provider offered for the person's country.
    pub oidc_provider: Option<String>,
    pub pending: Option<PendingRequest>,
    /// Reason code of the latest rejection.
    pub rejection: Option<String>,
    pub expiry: Option<Expiry>,
    pub max_evidence_bytes: usize,
    pub note_value: String,
    pub evidence_error: Option<Msg>,
    /// With a "too many" error: the minutes until the person may try again.
    pub error_minutes: u64,
}

/// A rejection reason code as a sentence; free-text reasons from verifiers are shown as given.
fn reason_text(l: Locale, code: &str) -> String {
    let m = match code {
        "npi_not_found" => Msg::IdentityReasonNpiNotFound,
        "npi_inactive" => Msg::IdentityReasonNpiInactive,
        "name_mismatch" => Msg::IdentityReasonNameMismatch,
        "not_hcp" => Msg::IdentityReasonNotHcp,
        "country_mismatch" => Msg::IdentityReasonCountryMismatch,
        "identity_in_use" => Msg::IdentityReasonIdentityInUse,
        "npi_in_use" => Msg::IdentityReasonNpiInUse,
        "evidence_rejected" => Msg::IdentityReasonEvidence,
        _ => return code.to_owned(),
    };
    t(l, m).to_owned()
}

fn method_label(l: Locale, method: &str) -> &'static str {
    match method {
        "npi" => t(l, Msg::IdentityMethodNpi),
        "oidc" => t(l, Msg::IdentityMethodOidc),
        _ => t(l, Msg::IdentityMethodManual),
    }
}

pub fn verify(ctx: &PageContext, v: &VerifyView) -> Markup {
    let l = ctx.locale;
    let error = v.error.map(|m| tf(l, m, &[("minutes", &v.error_minutes.to_string())]));
    let kb = format_number(l, (v.max_evidence_bytes / 1024) as i64);
    page(
        ctx,
        t(l, Msg::IdentityVerifyTitle),
        html! {
            h1 { (t(l, Msg::IdentityVerifyTitle)) }
            (progress(l, 2, 3))
            p.lead { (t(l, Msg::IdentityVerifyIntro)) }
            p { (t(l, status_msg(&v.status))) }
            (expiry_notice(l, v.expiry))
            @if let Some(m) = v.outcome { (notice(NoticeKind::Info, t(l, m))) }
            @if let Some(r) = &v.rejection {
                (notice(NoticeKind::Warning, tf(l, Msg::IdentityRejectedBecause, &[("reason", &reason_text(l, r))])))
            }
            @if let Some(p) = &v.pending {
                (notice(NoticeKind::Info, tf(l, Msg::IdentityPendingSince, &[
                    ("method", method_label(l, &p.method)), ("date", &format_datetime(l, p.submitted))])))
            } @else if v.can_verify {
                @if v.npi {
                    section aria-labelledby="verify-npi" {
                        h2 #verify-npi { (t(l, Msg::IdentityMethodNpi)) }
                        @if let Some(m) = &error {
                            (error_summary(l, &[FieldError { field_id: "npi", message: m }]))
                        }
                        form method="post" action=(VERIFY) novalidate {
                            (csrf_field(&v.csrf))
                            (field(l, &Field::new(FieldKind::Text, "npi", "npi", t(l, Msg::IdentityNpi))
                                .value(&v.npi_value).required().hint(t(l, Msg::IdentityNpiWhy)).error(error.as_deref())))
                            (button(ButtonKind::Primary, t(l, Msg::IdentityVerifySubmit)))
                        }
                    }
                }
                @if let Some(provider) = &v.oidc_provider {
                    section aria-labelledby="verify-oidc" {
                        h2 #verify-oidc { (tf(l, Msg::IdentityOidcTitle, &[("provider", provider)])) }
                        p { (tf(l, Msg::IdentityOidcText, &[("provider", provider)])) }
                        form method="post" action=(VERIFY_OIDC) {
                            (csrf_field(&v.csrf))
                            (button(ButtonKind::Primary, &tf(l, Msg::IdentityOidcSubmit, &[("provider", provider)])))
                        }
                    }
                }
                section aria-labelledby="verify-manual" {
                    h2 #verify-manual { (t(l, Msg::IdentityEvidenceTitle)) }
                    p { (t(l, Msg::IdentityVerifyManual)) }
                    @if let Some(m) = v.evidence_error {
                        (error_summary(l, &[FieldError { field_id: "evidence", message: t(l, m) }]))
                    }
                    form method="post" action=(VERIFY_EVIDENCE) enctype="multipart/form-data" novalidate {
                        (csrf_field(&v.csrf))
                        div.field.field--error[v.evidence_error.is_some()] {
                            label for="evidence" { (t(l, Msg::IdentityEvidenceFile)) " " span.req { (t(l, Msg::FormRequired)) } }
                            p.hint #evidence-hint { (tf(l, Msg::IdentityEvidenceHint, &[("size", &kb)])) }
                            @if let Some(m) = v.evidence_error {
                                p.error-text #evidence-error { span.visually-hidden { (t(l, Msg::FormErrorPrefix)) " " } (t(l, m)) }
                            }
                            input #evidence name="evidence" type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                                aria-describedby=(if v.evidence_error.is_some() { "evidence-hint evidence-error" } else { "evidence-hint" })
                                aria-invalid=[v.evidence_error.map(|_| "true")] aria-required="true";
                        }
                        (field(l, &Field::new(FieldKind::Textarea, "note", "note", t(l, Msg::IdentityEvidenceNoteLabel))
                            .value(&v.note_value).hint(t(l, Msg::IdentityEvidenceNoteHint))))
                        (button(ButtonKind::Primary, t(l, Msg::IdentityEvidenceSubmit)))
                    }
                }
            }
        },
    )
}

/// The second sign-in step of staff accounts (and, on first use, authenticator enrolment).
#[derive(Clone, Debug, Default)]
pub struct SecondFactorView {
    pub csrf: String,
    /// Base32 secret to enter in an authenticator app (enrolment only).
    pub enrol_secret: Option<String>,
    pub otpauth: Option<String>,
    pub error: Option<Msg>,
    pub attempts_left: u32,
    /// Enrolment only: what is wrong with the enrolment code.
    pub enrol_code_error: Option<Msg>,
}

pub fn second_factor(ctx: &PageContext, v: &SecondFactorView) -> Markup {
    let l = ctx.locale;
    let grouped = v.enrol_secret.as_ref().map(|s| {
        s.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
    });
    page(
        ctx,
        t(l, Msg::IdentityTotpTitle),
        html! {
            h1 { (t(l, Msg::IdentityTotpTitle)) }
            @if let (Some(secret), Some(uri)) = (&grouped, &v.otpauth) {
                section aria-labelledby="totp-enrol" {
                    h2 #totp-enrol { (t(l, Msg::IdentityTotpEnrolTitle)) }
                    p { (t(l, Msg::IdentityTotpEnrolText)) }
                    p { code #totp-secret { (secret) } }
                    p { a href=(uri) { (t(l, Msg::IdentityTotpEnrolLink)) } }
                }
            } @else {
                p.lead { (t(l, Msg::IdentityTotpIntro)) }
            }
            @if let Some(m) = v.enrol_code_error {
                (error_summary(l, &[FieldError { field_id: "enrol_code", message: t(l, m) }]))
            } @else if let Some(m) = v.error {
                (error_summary(l, &[FieldError { field_id: "code", message: t(l, m) }]))
            }
            form method="post" action=(SECOND_FACTOR) novalidate {
                (csrf_field(&v.csrf))
                @if v.enrol_secret.is_some() {
                    (field(l, &Field::new(FieldKind::Text, "enrol_code", "enrol_code", t(l, Msg::IdentityTotpEnrolCode))
                        .required().autocomplete("off").hint(t(l, Msg::IdentityTotpEnrolCodeHint))
                        .error(v.enrol_code_error.map(|m| t(l, m)))))
                }
                (field(l, &Field::new(FieldKind::Text, "code", "code", t(l, Msg::IdentityTotpCode))
                    .required().autocomplete("one-time-code")
                    .hint(&tf(l, Msg::IdentityTotpHint, &[("attempts", &v.attempts_left.to_string())]))
                    .error(v.error.map(|m| t(l, m)))))
                (button(ButtonKind::Primary, t(l, Msg::IdentityTotpSubmit)))
            }
        },
    )
}

/// A verification request as verifiers see it.
#[derive(Clone, Debug)]
pub struct QueueItem {
    pub id: String,
    pub user_id: String,
    pub method: String,
    pub submitted: OffsetDateTime,
    /// NPI, provider subject or evidence object key.
    pub reference: Option<String>,
    pub evidence_type: Option<String>,
    pub evidence_name: Option<String>,
    pub note: Option<String>,
    pub name: String,
    pub email: String,
    pub country: String,
    pub profession: String,
    pub reason: Option<String>,
}

pub fn admin_queue(ctx: &PageContext, items: &[QueueItem], region: &str, decided: Option<&str>) -> Markup {
    let l = ctx.locale;
    let headers = [
        t(l, Msg::IdentityName),
        t(l, Msg::IdentityCountry),
        t(l, Msg::IdentityProfession),
        t(l, Msg::IdentityQueueMethod),
        t(l, Msg::IdentityQueueSubmitted),
    ];
    let rows: Vec<Vec<Markup>> = items
        .iter()
        .map(|i| {
            vec![
                html! { a href=(format!("{ADMIN_VERIFICATIONS}/{}", i.id)) { (i.name) } },
                html! { (label_of(l, COUNTRIES, &i.country)) },
                html! { (label_of(l, PROFESSIONS, &i.profession)) },
                html! { (method_label(l, &i.method)) },
                html! { (format_datetime(l, i.submitted)) },
            ]
        })
        .collect();
    let caption = tf(l, Msg::IdentityQueueCaption, &[("region", region), ("count", &items.len().to_string())]);
    page(
        ctx,
        t(l, Msg::IdentityQueueTitle),
        html! {
            h1 { (t(l, Msg::IdentityQueueTitle)) }
            @match decided {
                Some("verified") => (notice(NoticeKind::Success, t(l, Msg::IdentityQueueApproved))),
                Some(_) => (notice(NoticeKind::Success, t(l, Msg::IdentityQueueRejected))),
                None => {}
            }
            @if items.is_empty() {
                p { (t(l, Msg::IdentityQueueEmpty)) }
            } @else {
                (data_table(&Table { id: "queue", caption: &caption, headers: &headers, rows: &rows, row_headers: true }))
            }
        },
    )
}

#[derive(Clone, Debug)]
pub struct ReviewView {
    pub csrf: String,
    pub item: QueueItem,
    /// The verifier's own request (cannot be decided by them).
    pub own: bool,
    pub error: Option<Msg>,
    pub reason: String,
}

pub fn admin_review(ctx: &PageContext, v: &ReviewView) -> Markup {
    let l = ctx.locale;
    let i = &v.item;
    page(
        ctx,
        t(l, Msg::IdentityReviewTitle),
        html! {
            p { a href=(ADMIN_VERIFICATIONS) { (t(l, Msg::IdentityQueueBack)) } }
            h1 { (t(l, Msg::IdentityReviewTitle)) ": " (i.name) }
            dl.summary {
                dt { (t(l, Msg::IdentityName)) } dd { (i.name) }
                dt { (t(l, Msg::IdentityEmail)) } dd { (i.email) }
                dt { (t(l, Msg::IdentityCountry)) } dd { (label_of(l, COUNTRIES, &i.country)) }
                dt { (t(l, Msg::IdentityProfession)) } dd { (label_of(l, PROFESSIONS, &i.profession)) }
                dt { (t(l, Msg::IdentityQueueMethod)) } dd { (method_label(l, &i.method)) }
                dt { (t(l, Msg::IdentityQueueSubmitted)) } dd { (format_datetime(l, i.submitted)) }
                @if i.method == "npi" { @if let Some(r) = &i.reference { dt { (t(l, Msg::IdentityNpi)) } dd { (r) } } }
                @if let Some(r) = &i.reason { dt { (t(l, Msg::IdentityQueueOutcome)) } dd { (reason_text(l, r)) } }
                @if let Some(n) = &i.note { @if !n.is_empty() { dt { (t(l, Msg::IdentityEvidenceNoteLabel)) } dd { (n) } } }
                dt { (t(l, Msg::IdentityEvidenceFile)) }
                dd {
                    @if i.evidence_type.is_some() {
                        a href=(format!("{ADMIN_VERIFICATIONS}/{}/evidence", i.id)) download {
                            (i.evidence_name.as_deref().unwrap_or("evidence"))
                        }
                    } @else {
                        (t(l, Msg::IdentityQueueNoEvidence))
                    }
                }
            }
            @if v.own {
                (notice(NoticeKind::Warning, t(l, Msg::IdentityReviewOwn)))
            } @else {
                @if let Some(m) = v.error {
                    (error_summary(l, &[FieldError { field_id: "reason", message: t(l, m) }]))
                }
                form method="post" action=(format!("{ADMIN_VERIFICATIONS}/{}", i.id)) novalidate {
                    (csrf_field(&v.csrf))
                    (field(l, &Field::new(FieldKind::Textarea, "reason", "reason", t(l, Msg::IdentityReviewReason))
                        .value(&v.reason).hint(t(l, Msg::IdentityReviewReasonHint)).error(v.error.map(|m| t(l, m)))))
                    p.actions {
                        (crate::components::button_with_value(ButtonKind::Primary, t(l, Msg::IdentityReviewApprove), "decision", "approve"))
                        " "
                        (crate::components::button_with_value(ButtonKind::Secondary, t(l, Msg::IdentityReviewReject), "decision", "reject"))
                    }
                }
            }
        },
    )
}

/// A person as administrators see them on the roles page.
#[derive(Clone, Debug)]
pub struct RoleUser {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Role codes.
    pub roles: Vec<String>,
    /// The roles as stored when the form was made: sent back with it (a lost-update guard).
    pub seen: String,
    pub active: bool,
}

#[derive(Clone, Debug, Default)]
pub struct RolesView {
    pub csrf: String,
    pub region: String,
    pub query: String,
    pub people: Vec<RoleUser>,
    pub more: bool,
    pub saved: bool,
    /// The person whose roles are being edited.
    pub editing: Option<RoleUser>,
    pub error: Option<Msg>,
    /// After a conflict: the roles the person holds now (another administrator's change).
    pub current: Option<Vec<String>>,
    /// A one-time enrolment code just issued for the person's first authenticator, and until
    /// when it is valid: shown once.
    pub enrol_code: Option<(String, OffsetDateTime)>,
}

/// The first-administrator bootstrap page: the token form, or the result (once).
#[derive(Clone, Debug, Default)]
pub struct BootstrapView {
    pub csrf: String,
    pub error: Option<Msg>,
    /// Done: the enrolment code for the authenticator and until when it is valid.
    pub code: Option<(String, OffsetDateTime)>,
}

pub fn admin_bootstrap(ctx: &PageContext, v: &BootstrapView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::IdentityBootstrapTitle),
        html! {
            h1 { (t(l, Msg::IdentityBootstrapTitle)) }
            @if let Some((code, until)) = &v.code {
                (notice(NoticeKind::Success, t(l, Msg::IdentityBootstrapDone)))
                (notice(NoticeKind::Warning, &tf(l, Msg::IdentityRolesEnrolCode, &[("code", code), ("date", &format_datetime(l, *until))])))
                p { a href=(paths::identity::LOGIN) { (t(l, Msg::NavSignIn)) } }
            } @else {
                p { (t(l, Msg::IdentityBootstrapIntro)) }
                @if let Some(m) = v.error {
                    (error_summary(l, &[FieldError { field_id: "token", message: t(l, m) }]))
                }
                form method="post" action=(paths::identity::ADMIN_BOOTSTRAP) novalidate {
                    (csrf_field(&v.csrf))
                    (field(l, &Field::new(FieldKind::Password, "token", "token", t(l, Msg::IdentityBootstrapToken))
                        .error(v.error.map(|m| t(l, m)))))
                    (button(ButtonKind::Primary, t(l, Msg::IdentityBootstrapSubmit)))
                }
            }
        },
    )
}

/// Role codes (as in core's policy table) and their names.
pub const ROLES: &[(&str, Msg)] = &[
    ("hcp", Msg::IdentityRoleNameHcp),
    ("author", Msg::IdentityRoleNameAuthor),
    ("mlr_reviewer", Msg::IdentityRoleNameMlrReviewer),
    ("mi_specialist", Msg::IdentityRoleNameMiSpecialist),
    ("verifier", Msg::IdentityRoleNameVerifier),
    ("compliance_officer", Msg::IdentityRoleNameComplianceOfficer),
    ("admin", Msg::IdentityRoleNameAdmin),
    ("pv_officer", Msg::IdentityRoleNamePvOfficer),
];

pub fn admin_roles(ctx: &PageContext, v: &RolesView) -> Markup {
    let l = ctx.locale;
    let roles_of = |u: &RoleUser| u.roles.iter().map(|r| label_of(l, ROLES, r)).collect::<Vec<_>>().join(", ");
    page(
        ctx,
        t(l, Msg::IdentityRolesTitle),
        html! {
            h1 { (t(l, Msg::IdentityRolesTitle)) }
            @if let Some(u) = &v.editing {
                p { a href=(ADMIN_ROLES) { (t(l, Msg::IdentityRolesBack)) } }
                h2 { (u.name) " (" (u.email) ")" }
                @if let Some(m) = v.error { (notice(NoticeKind::Error, t(l, m))) }
                @if let Some(now) = &v.current {
                    p { (t(l, Msg::IdentityRolesCurrent)) " " strong { (now.iter().map(|r| label_of(l, ROLES, r)).collect::<Vec<_>>().join(", ")) } }
                }
                @if let Some((code, until)) = &v.enrol_code {
                    (notice(NoticeKind::Success, t(l, Msg::IdentityRolesSaved)))
                    (notice(NoticeKind::Warning, &tf(l, Msg::IdentityRolesEnrolCode, &[("code", code), ("date", &format_datetime(l, *until))])))
                }
                form method="post" action=(format!("{ADMIN_ROLES}/{}", u.id)) {
                    (csrf_field(&v.csrf))
                    input type="hidden" name="seen" value=(u.seen);
                    fieldset {
                        legend { (t(l, Msg::IdentityRoles)) }
                        @for (code, name) in ROLES {
                            div.field.field--checkbox {
                                input id=(format!("role-{code}")) type="checkbox" name="role" value=(code) checked[u.roles.iter().any(|r| r == code)];
                                label for=(format!("role-{code}")) { (t(l, *name)) }
                            }
                        }
                    }
                    p { (t(l, Msg::IdentityRolesEffect)) }
                    (button(ButtonKind::Primary, t(l, Msg::IdentityRolesSave)))
                }
            } @else {
                @if v.saved { (notice(NoticeKind::Success, t(l, Msg::IdentityRolesSaved))) }
                form method="get" action=(ADMIN_ROLES) role="search" {
                    (field(l, &Field::new(FieldKind::Text, "q", "q", t(l, Msg::IdentityRolesSearch)).value(&v.query)))
                    (button(ButtonKind::Secondary, t(l, Msg::IdentityRolesSearchSubmit)))
                }
                @let rows: Vec<Vec<Markup>> = v.people.iter().map(|u| vec![
                    html! { a href=(format!("{ADMIN_ROLES}/{}", u.id)) { (u.name) } },
                    html! { (u.email) },
                    html! { (roles_of(u)) @if !u.active { " · " (t(l, Msg::IdentityRolesDisabled)) } },
                ]).collect();
                @let caption = tf(l, Msg::IdentityRolesCaption, &[("region", &v.region)]);
                (data_table(&Table { id: "people", caption: &caption, headers: &[t(l, Msg::IdentityName), t(l, Msg::IdentityEmail), t(l, Msg::IdentityRoles)], rows: &rows, row_headers: true }))
                @if v.more { p { (t(l, Msg::IdentityRolesMore)) } }
            }
        },
    )
}

/// The step-up form (re-authentication to sign) and, once the code is confirmed, the page
/// that hands the signed assertion to the function that asked (a form posting to `ret`).
#[derive(Clone, Debug, Default)]
pub struct StepUpView {
    pub csrf: String,
    pub purpose: String,
    /// Where the assertion goes (a path of the asking function).
    pub ret: String,
    pub error: Option<Msg>,
    /// Set once the code is confirmed.
    pub assertion: Option<String>,
}

pub fn step_up(ctx: &PageContext, v: &StepUpView) -> Markup {
    let l = ctx.locale;
    let mut parts = v.purpose.split(':');
    let (sha, meaning, discipline) = (parts.nth(1).unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    page(
        ctx,
        t(l, Msg::StepUpTitle),
        html! {
            h1 { (t(l, Msg::StepUpTitle)) }
            p.lead { (tf(l, Msg::StepUpMeaning, &[("meaning", meaning), ("discipline", discipline)])) }
            p { (t(l, Msg::StepUpHash)) " " code { (sha) } }
            @if let Some(assertion) = &v.assertion {
                p { (t(l, Msg::StepUpConfirmed)) }
                form method="post" action=(v.ret) {
                    (csrf_field(&v.csrf))
                    input type="hidden" name="assertion" value=(assertion);
                    (field(l, &Field::new(FieldKind::Textarea, "comment", "comment", t(l, Msg::StepUpComment))))
                    (button(ButtonKind::Primary, t(l, Msg::StepUpSign)))
                }
            } @else {
                @if let Some(m) = v.error {
                    (error_summary(l, &[FieldError { field_id: "code", message: t(l, m) }]))
                }
                form method="post" action=(paths::identity::STEP_UP) novalidate {
                    (csrf_field(&v.csrf))
                    input type="hidden" name="purpose" value=(v.purpose);
                    input type="hidden" name="return" value=(v.ret);
                    (field(l, &Field::new(FieldKind::Text, "code", "code", t(l, Msg::IdentityTotpCode))
                        .required().autocomplete("one-time-code").error(v.error.map(|m| t(l, m)))))
                    (button(ButtonKind::Primary, t(l, Msg::IdentityTotpSubmit)))
                }
            }
        },
    )
}
