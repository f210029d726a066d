//! Search success signals (analytics): searches, result counts, zero results,
//! reformulations, clicked rank and time to click.
//!
//! * Signed-in people: one `search_events` row per search and one `search_clicks` row per
//!   click, in their **home region's** database. The query text only for verified HCPs.
//! * Anonymous visitors: daily aggregate counters (no personal data, no query text), one SQL
//!   row per day and metric (`search_signal_counts`), next to the per-address limit below:
//!   the limit's increment and the counters are **one statement** (a row inserted into the
//!   view `search_signal_inbox`, whose trigger does both; one transaction, one round trip),
//!   written after the answer (Workers' `waitUntil`, a task spawned on Spin; natively before
//!   it): the answer depends on neither. Increments are atomic (`ON CONFLICT DO
//!   UPDATE SET n = n + …`), so concurrent signals are all counted. Counters from before
//!   migration 0021 were kept in `kv_global` (`search-agg/<day>/<metric>/<shard>`, one get
//!   and put per counter, which could lose increments); [`aggregate`] still adds them in.
//! * Anonymous signals are limited per client address ([`count_statements`]): at most
//!   [`ANONYMOUS_SIGNALS_PER_HOUR`] searches and clicks an hour are counted per address (as
//!   the platform adapter established it, never a request header; an IPv6 address's /64
//!   network counts as one address). Beyond that the search
//!   still answers and the click still redirects; only the signal is not counted.
//!
//! Recording never fails a search: errors are logged.

use http::StatusCode;
use medportal_auth::Session;
use medportal_auth::KeySet;
use medportal_core::ports::{KvStore, LogLevel, SqlValue, Statement};
use medportal_core::web::{self, Request, Response};
use medportal_core::{Ctx, Error, Platform, Region, Result};

use crate::params::{Prev, valid_sid};
use crate::signal_queue::{self, Offer, Pending};

/// A search counts as a reformulation when it follows the person's previous search within this.
const REFORMULATION_MS: i64 = 10 * 60 * 1000;
/// Clicks later than this after the search are not timed (tab left open).
const MAX_CLICK_MS: i64 = 60 * 60 * 1000;

/// Anonymous signals (searches and clicks together) counted per client address and hour.
pub const ANONYMOUS_SIGNALS_PER_HOUR: i64 = 120;

pub struct SearchSignal<'a> {
    /// The client address the platform adapter established (anonymous signals' limit).
    pub client: Option<&'a str>,
    /// The search id (signed-in people only).
    pub sid: Option<&'a str>,
    /// `prev` form field: the previous search, or an anonymous results page.
    pub prev: Option<&'a Prev>,
    pub query: &'a str,
    pub market: &'a str,
    pub language: &'a str,
    pub filtered: bool,
    pub page: u32,
    pub results: u64,
    pub at_ms: i64,
}

/// Daily counters of anonymous visitors' searches and clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Searches,
    ZeroResults,
    Reformulations,
    Clicks,
    /// Clicks on a rank (1–10; 11 = beyond the first page). Ranks are 1..=11.
    ClickRank(i64),
    /// Clicks timed from their search (`ClickMsSum` sums those times).
    TimedClicks,
    ClickMsSum,
}

impl Metric {
    /// The counter's name in its key.
    pub fn name(self) -> &'static str {
        const RANKS: [&str; 11] = [
            "click_rank_1", "click_rank_2", "click_rank_3", "click_rank_4", "click_rank_5", "click_rank_6",
            "click_rank_7", "click_rank_8", "click_rank_9", "click_rank_10", "click_rank_11",
        ];
        match self {
            Metric::Searches => "searches",
            Metric::ZeroResults => "zero_results",
            Metric::Reformulations => "reformulations",
            Metric::Clicks => "clicks",
            Metric::ClickRank(rank) => RANKS[rank.clamp(1, 11) as usize - 1],
            Metric::TimedClicks => "timed_clicks",
            Metric::ClickMsSum => "click_ms_sum",
        }
    }
}

fn today<P: Platform>(ctx: &Ctx<'_, P>) -> String {
    let d = ctx.now().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Counts one anonymous signal from `client` (its metrics) after the answer where the
/// platform allows (`Ctx::after_response`): the address's counter for this hour is
/// incremented, and today's counters are incremented only when that counter is within
/// [`ANONYMOUS_SIGNALS_PER_HOUR`] (statements of [`count_statements`]). One writer per isolate
/// or instance writes them ([`signal_queue`]): this signal's work becomes it (and first waits
/// [`signal_queue::GATHER_MS`] for more), or the signal waits for the one writing. Failing
/// closed: an unknown address or no pseudonym key counts nothing, and a failed batch counts
/// none of its signals.
async fn count_anonymous<P: Platform>(ctx: &Ctx<'_, P>, client: Option<&str>, counts: Vec<(Metric, u64)>) -> Result<()> {
    let Some(subject) = limit_subject(ctx, client) else { return Ok(()) };
    let hour = ctx.now().unix_timestamp().div_euclid(3600);
    let counts = counts.into_iter().map(|(m, by)| (m.name(), by)).collect();
    let (writer, first) = match signal_queue::offer(Pending { subject, hour, day: today(ctx), counts }) {
        Offer::Write(writer, first) => (writer, first),
        Offer::Queued => return Ok(()),
        Offer::Refused => return Err(Error::platform("too many anonymous signals waiting to be written")),
    };
    let region = Region::for_country("global");
    let db = ctx.region(region).sql().await?;
    let gather = ctx.linger(signal_queue::GATHER_MS);
    ctx.after_response(async move {
        gather.await;
        let mut failed = None;
        let mut round = signal_queue::gathered(&writer, first);
        for n in 1.. {
            if let Err(e) = db.batch(&region, &count_statements(&round)).await {
                failed.get_or_insert(e);
            }
            match signal_queue::next(&writer, n) {
                Some(more) => round = more,
                None => break,
            }
        }
        failed.map_or(Ok(()), Err)
    })
    .await;
    Ok(())
}

/// Signals one statement counts at most (twelve parameters each, within D1's 100 per
/// statement).
const SIGNALS_PER_STATEMENT: usize = 8;
/// Daily counters one signal increments at most (the inbox view's m1/n1 … m4/n4): a search
/// has up to three, a click four.
const COUNTS_PER_SIGNAL: usize = 4;

/// The batch that counts a round of anonymous signals, in order: one row per signal inserted
/// into the view `search_signal_inbox`, whose trigger (migration 0022) does for each what its
/// own statements did: the address's counter for the hour incremented (one atomic upsert, so
/// however many requests race, each sees its own count and at most
/// [`ANONYMOUS_SIGNALS_PER_HOUR`] are counted in an hour); past hours' counters deleted on an
/// address's first signal of the hour; then the signal's daily counters incremented when the
/// address's counter is within the limit. The counter holds a keyed pseudonym of the address,
/// in the policy's default region (anonymous visitors have no home region). One statement per
/// [`SIGNALS_PER_STATEMENT`] signals, so a round of one signal is one statement.
pub(crate) fn count_statements(round: &[Pending]) -> Vec<Statement> {
    const COLUMNS: usize = 4 + 2 * COUNTS_PER_SIGNAL;
    const INSERT: &str = "INSERT INTO search_signal_inbox (subject, hour, day, within, m1, n1, m2, n2, m3, n3, m4, n4) VALUES ";
    const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    round
        .chunks(SIGNALS_PER_STATEMENT)
        .map(|chunk| {
            let mut params: Vec<SqlValue> = Vec::with_capacity(chunk.len() * COLUMNS);
            for p in chunk {
                debug_assert!(p.counts.len() <= COUNTS_PER_SIGNAL, "{:?}", p.counts);
                params.extend([p.subject.as_str().into(), p.hour.into(), p.day.as_str().into(), ANONYMOUS_SIGNALS_PER_HOUR.into()]);
                for i in 0..COUNTS_PER_SIGNAL {
                    match p.counts.get(i) {
                        Some(&(metric, by)) => params.extend([metric.into(), (by as i64).into()]),
                        None => params.extend([SqlValue::Null, SqlValue::Null]),
                    }
                }
            }
            Statement::new(format!("{INSERT}{}", vec![ROW; chunk.len()].join(", ")), params)
        })
        .collect()
}

/// One daily counter (admin figures and tests): its SQL row plus the key-value shards written
/// before migration 0021.
pub async fn aggregate<P: Platform>(ctx: &Ctx<'_, P>, day: &str, metric: Metric) -> Result<u64> {
    let region = Region::for_country("global");
    let rows = ctx
        .region(region)
        .sql()
        .await?
        .query("SELECT n FROM search_signal_counts WHERE day = ?1 AND metric = ?2", &[day.into(), metric.name().into()])
        .await?;
    let mut total = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0).max(0) as u64;
    let kv = ctx.global_kv().await?;
    for key in kv.list(&format!("search-agg/{day}/{}/", metric.name()), 64).await? {
        total += kv.get(&key).await?.and_then(|v| String::from_utf8(v).ok()).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    }
    Ok(total)
}

/// The keyed pseudonym an address's anonymous signals are limited under (`None` for an
/// unknown address or without a key to make it: no shared bucket, nothing counted).
fn limit_subject<P: Platform>(ctx: &Ctx<'_, P>, client: Option<&str>) -> Option<String> {
    KeySet::cached(ctx.config).ok()?.pseudonym("search-signals", &signal_source(client?)?)
}

/// Whose signals count together: an IPv4 address, or an IPv6 address's /64 network (one
/// client can use every address of its /64; an IPv4-mapped address counts as its IPv4
/// address). `None` for anything but an IP address. By hand, like core's address check:
/// std's parser and printer would cost the query Worker several KB.
pub fn signal_source(client: &str) -> Option<String> {
    let addr = medportal_core::web::parse_client_address(client)?.0;
    if !addr.contains(':') {
        return Some(addr);
    }
    if let Some((_, v4)) = addr.rsplit_once(':').filter(|(_, last)| last.contains('.')) {
        return Some(v4.to_owned());
    }
    let groups = |s: &str| -> Option<Vec<u16>> { s.split(':').filter(|g| !g.is_empty()).map(|g| u16::from_str_radix(g, 16).ok()).collect() };
    let (head, tail) = addr.split_once("::").unwrap_or((&addr, ""));
    let (head, tail) = (groups(head)?, groups(tail)?);
    let zeros = if addr.contains("::") { 8usize.checked_sub(head.len() + tail.len())? } else { 0 };
    if head.len() + zeros + tail.len() != 8 {
        return None;
    }
    // the /64 network: the first four of the eight groups (`::` stands for the zeros between)
    let g = |i: usize| head.get(i).copied().unwrap_or(if i < head.len() + zeros { 0 } else { tail[i - head.len() - zeros] });
    Some(format!("{:x}:{:x}:{:x}:{:x}::/64", g(0), g(1), g(2), g(3)))
}

async fn record_anonymous<P: Platform>(ctx: &Ctx<'_, P>, s: &SearchSignal<'_>) -> Result<()> {
    if s.page > 1 {
        return Ok(());
    }
    // over the limit the search still answers; its signal is not counted
    let mut counts = vec![(Metric::Searches, 1)];
    if s.results == 0 {
        counts.push((Metric::ZeroResults, 1));
    }
    if s.prev.is_some() {
        counts.push((Metric::Reformulations, 1));
    }
    count_anonymous(ctx, s.client, counts).await
}

/// A signed-in person's search: one `search_events` row in their home region, written after
/// the answer where the platform allows (the answer does not depend on it).
async fn record_person<P: Platform>(ctx: &Ctx<'_, P>, session: &Session, s: &SearchSignal<'_>) -> Result<()> {
    // later pages of the same search are not new searches
    let Some(sid) = s.sid.filter(|_| s.page == 1) else { return Ok(()) };
    let region = session.region;
    let db = ctx.region(region).sql().await?;
    let verified = session.verified();
    let user = session.user_id().to_owned();
    let prev = match s.prev {
        Some(Prev::Search(prev)) => Some(prev.as_str().to_owned()),
        _ => None,
    };
    let text = move |t: Option<String>| if verified { t.map(SqlValue::from).unwrap_or(SqlValue::Null) } else { SqlValue::Null };
    let mut row: Vec<SqlValue> = vec![
        sid.into(),
        s.at_ms.into(),
        user.as_str().into(),
        i64::from(verified).into(),
        text(Some(s.query.to_owned())),
        s.market.into(),
        s.language.into(),
        i64::from(s.filtered).into(),
        i64::from(s.page).into(),
        (s.results as i64).into(),
        i64::from(s.results == 0).into(),
    ];
    let since = s.at_ms - REFORMULATION_MS;
    ctx.after_response(async move {
        let mut previous: Option<(String, Option<String>)> = None;
        if let Some(prev) = prev {
            let rows = db
                .query("SELECT id, query FROM search_events WHERE id = ?1 AND user_id = ?2 AND at >= ?3", &[prev.into(), user.into(), since.into()])
                .await?;
            if let Some(r) = rows.first() {
                previous = Some((r.text(0)?, r.opt_text(1)?));
            }
        }
        row.extend([
            i64::from(previous.is_some()).into(),
            previous.as_ref().map(|p| p.0.clone()).into(),
            text(previous.and_then(|p| p.1)),
        ]);
        db.execute(
            &region,
            "INSERT INTO search_events (id, at, user_id, verified, query, market, language, filtered, page, result_count, \
             zero_result, reformulation, previous_id, previous_query) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            &row,
        )
        .await?;
        Ok(())
    })
    .await;
    Ok(())
}

/// Records a search (best effort).
pub async fn record_search<P: Platform>(ctx: &Ctx<'_, P>, session: Option<&Session>, s: &SearchSignal<'_>) {
    let r = match session {
        Some(session) => record_person(ctx, session, s).await,
        None => record_anonymous(ctx, s).await,
    };
    if let Err(e) = r {
        ctx.log(LogLevel::Warn, &format!("search: signal not recorded: {e}"));
    }
}

/// Internal item paths only: `/content/<slug>` (no scheme, host, `//`, `..`, query).
pub fn valid_target(to: &str) -> bool {
    to.strip_prefix(medportal_templates::paths::content::ITEM_PREFIX).is_some_and(crate::index::valid_id)
}

/// `/search/click?to=/content/<slug>&r=<rank>&s=<search id>|t=<search ms>`: records the click,
/// then redirects to the item. Anything but an internal item path is refused (no open
/// redirect); a bad rank or search id only skips the signal.
pub async fn click<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let pairs = web::parse_urlencoded(req.uri().query().unwrap_or(""))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let to = get("to").unwrap_or("");
    if !valid_target(to) {
        return Err(Error::bad_request("invalid_target", "Search result links lead to content items only."));
    }
    let rank: Option<i64> = get("r").and_then(|r| r.parse().ok()).filter(|r| (1..=1000).contains(r));
    let now_ms = ctx.now_ms();
    if let Some(rank) = rank {
        let recorded = async {
            match medportal_auth::authenticate(ctx, req).await? {
                Some(session) => {
                    let Some(sid) = get("s").filter(|s| valid_sid(s)) else { return Ok(()) };
                    let region = session.region;
                    let db = ctx.region(region).sql().await?;
                    let rows = db
                        .query("SELECT at FROM search_events WHERE id = ?1 AND user_id = ?2", &[sid.into(), session.user_id().into()])
                        .await?;
                    let Some(at) = rows.first().map(|r| r.int(0)).transpose()? else { return Ok(()) };
                    let elapsed = (now_ms - at).clamp(0, MAX_CLICK_MS);
                    db.execute(
                        &region,
                        "INSERT INTO search_clicks (id, search_id, at, rank, time_to_click_ms, target) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &[ctx.random_id()?.into(), sid.into(), now_ms.into(), rank.into(), elapsed.into(), to.into()],
                    )
                    .await?;
                    Ok::<(), Error>(())
                }
                // over the limit the click still redirects; it is not counted
                None => {
                    let mut counts = vec![(Metric::Clicks, 1), (Metric::ClickRank(rank.min(11)), 1)];
                    if let Some(t) = get("t").and_then(|t| t.parse::<i64>().ok()) {
                        let elapsed = now_ms - t;
                        if (0..=MAX_CLICK_MS).contains(&elapsed) {
                            counts.extend([(Metric::TimedClicks, 1), (Metric::ClickMsSum, elapsed as u64)]);
                        }
                    }
                    count_anonymous(ctx, web::client_address(req), counts).await
                }
            }
        };
        if let Err(e) = recorded.await {
            ctx.log(LogLevel::Warn, &format!("search: click not recorded: {e}"));
        }
    }
    let mut resp = web::redirect(to);
    *resp.status_mut() = StatusCode::SEE_OTHER;
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_keep_their_storage_names() {
        let names: Vec<String> = [
            Metric::Searches,
            Metric::ZeroResults,
            Metric::Reformulations,
            Metric::Clicks,
            Metric::ClickRank(3),
            Metric::ClickRank(11),
            Metric::TimedClicks,
            Metric::ClickMsSum,
        ]
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
        assert_eq!(
            names,
            ["searches", "zero_results", "reformulations", "clicks", "click_rank_3", "click_rank_11", "timed_clicks", "click_ms_sum"]
        );
    }

    #[test]
    fn ipv6_clients_count_by_their_64_network() {
        assert_eq!(signal_source("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(signal_source("2001:db8:1:2:aaaa::1"), signal_source("2001:db8:1:2:ffff:1:2:3"));
        assert_ne!(signal_source("2001:db8:1:2::1"), signal_source("2001:db8:1:3::1"));
        assert_eq!(signal_source("local"), None);
        assert_eq!(signal_source("2001:0DB8:0001:0002::1").as_deref(), Some("2001:db8:1:2::/64"));
        assert_eq!(signal_source("2001:db8::1").as_deref(), Some("2001:db8:0:0::/64"));
        assert_eq!(signal_source("::1").as_deref(), Some("0:0:0:0::/64"));
        assert_eq!(signal_source("::ffff:192.0.2.1").as_deref(), Some("192.0.2.1"));
        assert_eq!(signal_source("1:2:3:4:5:6:7:8").as_deref(), Some("1:2:3:4::/64"));
        assert_eq!(signal_source("1:2:3:4:5:6:7"), None);
    }

    #[test]
    fn only_internal_item_paths_are_redirect_targets() {
        assert!(valid_target("/content/apixaban-aristotle-trial-summary"));
        for bad in [
            "",
            "/content/",
            "//evil.example",
            "https://evil.example/content/x",
            "/content/../admin",
            "/content/x?y=1",
            "/content/x/y",
            "/content//evil.example",
            "/admin/search",
            "/content/x\r\nSet-Cookie: a=b",
            "/Content/x",
        ] {
            assert!(!valid_target(bad), "{bad:?}");
        }
    }
}
