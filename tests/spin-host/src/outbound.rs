//! `allowed_outbound_hosts` matching and the wasi:http hooks that enforce it.
//!
//! Supported forms (Spin's): `scheme://host[:port]` where scheme may be `*`, host may be
//! `*`, `*.suffix` or a literal name/IP, and port may be `*`, a number or `lo-hi`.
//! Without a port, the scheme's default port (http 80, https 443) is implied.
//! Component-to-component `self` requests are not supported (they are denied).

use anyhow::{Result, bail};
use std::sync::Arc;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

#[derive(Debug, Clone)]
pub struct HostPattern {
    scheme: Option<String>,
    host: HostMatch,
    port: PortMatch,
}

#[derive(Debug, Clone)]
enum HostMatch {
    Any,
    Suffix(String),
    Exact(String),
}

#[derive(Debug, Clone)]
enum PortMatch {
    Any,
    Default,
    Range(u16, u16),
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl HostPattern {
    pub fn parse(s: &str) -> Result<Self> {
        let Some((scheme, rest)) = s.split_once("://") else {
            bail!("allowed_outbound_hosts entry `{s}` needs a scheme (e.g. https://host)");
        };
        let rest = rest.trim_end_matches('/');
        if rest.contains('/') {
            bail!("allowed_outbound_hosts entry `{s}` must not contain a path");
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !rest.ends_with(']') => (h, Some(p)),
            _ => (rest, None),
        };
        let host = host.to_ascii_lowercase();
        let host = if host == "*" {
            HostMatch::Any
        } else if let Some(suffix) = host.strip_prefix("*.") {
            HostMatch::Suffix(format!(".{suffix}"))
        } else if host.contains('*') {
            bail!("allowed_outbound_hosts entry `{s}`: unsupported host wildcard");
        } else {
            HostMatch::Exact(host.trim_start_matches('[').trim_end_matches(']').to_string())
        };
        let port = match port {
            None => PortMatch::Default,
            Some("*") => PortMatch::Any,
            Some(p) => match p.split_once('-') {
                Some((lo, hi)) => PortMatch::Range(lo.parse()?, hi.parse()?),
                None => {
                    let n: u16 = p.parse()?;
                    PortMatch::Range(n, n)
                }
            },
        };
        let scheme = if scheme == "*" { None } else { Some(scheme.to_ascii_lowercase()) };
        Ok(Self { scheme, host, port })
    }

    pub fn allows(&self, scheme: &str, host: &str, port: u16) -> bool {
        if self.scheme.as_deref().is_some_and(|s| s != scheme) {
            return false;
        }
        let host = host.to_ascii_lowercase();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host_ok = match &self.host {
            HostMatch::Any => true,
            HostMatch::Suffix(sfx) => host.ends_with(sfx.as_str()),
            HostMatch::Exact(h) => h == host,
        };
        let port_ok = match self.port {
            PortMatch::Any => true,
            PortMatch::Default => default_port(scheme) == Some(port),
            PortMatch::Range(lo, hi) => (lo..=hi).contains(&port),
        };
        host_ok && port_ok
    }
}

pub fn is_allowed(patterns: &[HostPattern], uri: &http::Uri) -> bool {
    let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
    let Some(host) = uri.host() else { return false };
    let Some(port) = uri.port_u16().or_else(|| default_port(&scheme)) else {
        return false;
    };
    patterns.iter().any(|p| p.allows(&scheme, host, port))
}

/// Hooks for one component's store: every outgoing request is checked against the
/// component's allow-list; a denied one fails with `error-code.http-request-denied`.
pub struct OutboundHooks {
    pub component: Arc<str>,
    pub allowed: Arc<Vec<HostPattern>>,
}

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<
        dyn Future<
                Output = Result<
                    (http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>),
                    Error,
                >,
            > + Send,
    > {
        _ = fut;
        if !is_allowed(&self.allowed, request.uri()) {
            eprintln!(
                "[{}] outbound request to {} denied (not in allowed_outbound_hosts)",
                self.component,
                request.uri()
            );
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = Result<(), Error>> + Send>,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(pats: &[&str], uri: &str) -> bool {
        let pats: Vec<_> = pats.iter().map(|p| HostPattern::parse(p).unwrap()).collect();
        is_allowed(&pats, &uri.parse().unwrap())
    }

    #[test]
    fn patterns() {
        let p = ["http://127.0.0.1:*", "https://npiregistry.cms.hhs.gov"];
        assert!(allowed(&p, "http://127.0.0.1:8080/x"));
        assert!(allowed(&p, "http://127.0.0.1/x"));
        assert!(!allowed(&p, "https://127.0.0.1:8080/x"));
        assert!(!allowed(&p, "http://localhost:8080/x"));
        assert!(allowed(&p, "https://npiregistry.cms.hhs.gov/api/?number=1"));
        assert!(allowed(&p, "https://NPIREGISTRY.cms.hhs.gov:443/api"));
        assert!(!allowed(&p, "https://npiregistry.cms.hhs.gov:8443/api"));
        assert!(!allowed(&p, "http://npiregistry.cms.hhs.gov/api"));
        assert!(!allowed(&p, "https://evil.example/"));
        assert!(allowed(&["*://*.example.com:1000-2000"], "http://a.example.com:1500/"));
        assert!(!allowed(&["*://*.example.com:1000-2000"], "http://example.com:1500/"));
        assert!(!allowed(&[], "http://127.0.0.1:1/"));
    }
}
