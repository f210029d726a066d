-- Demo market settings (global). The demo library itself is not seeded here: it goes through
-- the publishing path (infra/seed/content/library.jsonl, functions/content's import).
-- Germany's rules (HWG §10) forbid presenting prescription-medicine information to the
-- public: there the titles of HCP-only items stay hidden from the public too.
INSERT OR IGNORE INTO library_markets (market, hcp_titles_public) VALUES ('DE', 0);
