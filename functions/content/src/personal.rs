//! The reader's personal reads of one page in one round trip to their home region's database
//! (it owns no table). The modules that own the tables contribute their statements (the
//! engagement module its views, co-views and progress, the saved module its saves); this
//! module only runs them together, as one `UNION ALL` query: a D1 round trip under load costs
//! more than all of these small indexed reads together.
//!
//! A part selects two columns, a text and an integer, with anonymous `?` parameters only (the
//! parts' parameters are joined in order); its rows come back ordered by the integer,
//! highest first, then by the text (each part's own `ORDER BY … LIMIT` picks which rows).

use medportal_core::ports::{SqlValue, Statement};
use medportal_core::region::Region;
use medportal_core::{Ctx, Error, Platform, Result};

/// The rows of each of `parts`, in the order of `parts`, read in one query in `region`.
pub async fn read_together<P: Platform>(ctx: &Ctx<'_, P>, region: Region, parts: &[Statement]) -> Result<Vec<Vec<(String, i64)>>> {
    let (sql, params) = together(parts)?;
    let rows = ctx.region(region).sql().await?.query(&sql, &params).await?;
    let mut out: Vec<Vec<(String, i64)>> = vec![Vec::new(); parts.len()];
    for r in &rows {
        let part = usize::try_from(r.int(0)?).ok().and_then(|n| out.get_mut(n)).ok_or_else(|| Error::internal("personal read: unknown part"))?;
        part.push((r.text(1)?, r.int(2)?));
    }
    Ok(out)
}

/// One query of `parts` (each tagged with its index) and its parameters.
fn together(parts: &[Statement]) -> Result<(String, Vec<SqlValue>)> {
    let mut sql = String::new();
    let mut params = Vec::new();
    for (n, p) in parts.iter().enumerate() {
        // Numbered parameters would point into another part's parameters.
        if p.sql.as_bytes().windows(2).any(|w| w[0] == b'?' && w[1].is_ascii_digit()) {
            return Err(Error::internal("personal read: a part uses numbered parameters"));
        }
        if n > 0 {
            sql.push_str(" UNION ALL ");
        }
        sql.push_str(&format!("SELECT {n} AS part, * FROM ({})", p.sql));
        params.extend(p.params.iter().cloned());
    }
    sql.push_str(" ORDER BY 1, 3 DESC, 2");
    Ok((sql, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_tagged_joined_in_order_and_refuse_numbered_parameters() {
        let parts = [Statement::new("SELECT a, b FROM t WHERE c = ?", vec!["x".into()]), Statement::new("SELECT d, e FROM u WHERE f = ? AND g = ?", vec![1.into(), 2.into()])];
        let (sql, params) = together(&parts).unwrap();
        assert_eq!(sql, "SELECT 0 AS part, * FROM (SELECT a, b FROM t WHERE c = ?) UNION ALL SELECT 1 AS part, * FROM (SELECT d, e FROM u WHERE f = ? AND g = ?) ORDER BY 1, 3 DESC, 2");
        assert_eq!(params.len(), 3);
        assert_eq!(params[0].as_str(), Some("x"));
        assert_eq!(params[2].as_i64(), Some(2));
        assert!(together(&[Statement::new("SELECT a, b FROM t WHERE c = ?1", vec!["x".into()])]).is_err());
    }
}
