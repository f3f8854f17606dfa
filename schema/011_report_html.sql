-- 011_report_html: what the HTML report (govreach report) needs beyond the
-- report tables: the registry's panorama (accounts by province, level and
-- function, scored or not), the movers of a run since the previous period
-- of the same methodology, and what a run covered. The report reads report.* only; these objects are
-- its window onto src.* and score.*.

CREATE VIEW report.panorama AS
SELECT a.platform, d.dimension, d.value, count(*)::integer AS accounts
  FROM (SELECT 'wechat'::text AS platform, province, level, function FROM src.wechat_account
        UNION ALL SELECT 'weibo', province, level, function FROM src.weibo_account
        UNION ALL SELECT 'apps', province, level, function FROM src.app) a
 CROSS JOIN LATERAL (VALUES ('province', coalesce(a.province, '(中央)')), ('level', a.level),
                            ('function', coalesce(a.function, '(未分类)'))) d (dimension, value)
 GROUP BY a.platform, d.dimension, d.value;
COMMENT ON VIEW report.panorama IS 'The registry (src.*) counted by province, level and function, per platform, scored or not: the report''s panorama. Central bodies have no province: (中央); accounts without a function: (未分类).';
COMMENT ON COLUMN report.panorama.platform IS 'wechat, weibo or apps.';
COMMENT ON COLUMN report.panorama.dimension IS 'province, level or function.';
COMMENT ON COLUMN report.panorama.value IS 'The province, level or function.';
COMMENT ON COLUMN report.panorama.accounts IS 'Registered accounts (apps for platform apps) with that value.';

-- The previous run of a run: same methodology name, same kind of period
-- (score.run.period_kind: month, week, or a custom range of the same length),
-- the latest such period ending before the run's period starts, final runs
-- before provisional ones, then the highest run_id.
CREATE FUNCTION report.previous_run(p_run_id bigint)
RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT p.run_id
    FROM score.run r
    JOIN score.methodology m ON m.methodology_id = r.methodology_id
    JOIN score.methodology pm ON pm.name = m.name
    JOIN score.run p ON p.methodology_id = pm.methodology_id
   WHERE r.run_id = p_run_id
     AND p.period_kind = r.period_kind
     AND (r.period_kind <> 'custom' OR p.period_days = r.period_days)
     AND p.period_end < r.period_start
   ORDER BY p.period_end DESC, (p.status = 'final') DESC, p.run_id DESC
   LIMIT 1
$$;
COMMENT ON FUNCTION report.previous_run(bigint) IS 'The run of the previous period of a run: same methodology name, same period kind (a custom range: the same length), the latest period ending before it starts, a final run before a provisional one, then the highest run_id; NULL when there is none.';

CREATE FUNCTION report.movers(p_run_id bigint)
RETURNS TABLE (list text, key text, name text, rank integer, prev_rank integer, rank_move integer,
               score numeric, prev_score numeric, status text, prev_run_id bigint)
LANGUAGE sql STABLE AS $$
  WITH p AS (SELECT report.previous_run(p_run_id) AS prev),
  cur AS (
    SELECT 'combined'::text AS list, org_key AS key, name, rank_all AS rank, combined::numeric AS score
      FROM score.combined WHERE run_id = p_run_id
    UNION ALL SELECT 'wechat', biz, name, rank_all, wci::numeric FROM score.wci WHERE run_id = p_run_id
    UNION ALL SELECT 'weibo', account, name, rank_all, bci::numeric FROM score.bci WHERE run_id = p_run_id
    UNION ALL SELECT 'apps', app_key, name, rank, downloads::numeric FROM score.app_total WHERE run_id = p_run_id),
  old AS (
    SELECT 'combined'::text AS list, org_key AS key, name, rank_all AS rank, combined::numeric AS score
      FROM score.combined, p WHERE run_id = p.prev
    UNION ALL SELECT 'wechat', biz, name, rank_all, wci::numeric FROM score.wci, p WHERE run_id = p.prev
    UNION ALL SELECT 'weibo', account, name, rank_all, bci::numeric FROM score.bci, p WHERE run_id = p.prev
    UNION ALL SELECT 'apps', app_key, name, rank, downloads::numeric FROM score.app_total, p WHERE run_id = p.prev)
  SELECT coalesce(c.list, o.list), coalesce(c.key, o.key), coalesce(c.name, o.name), c.rank, o.rank,
         o.rank - c.rank, round(c.score, 2), round(o.score, 2),
         CASE WHEN o.key IS NULL THEN 'new' WHEN c.key IS NULL THEN 'dropped'
              WHEN c.rank < o.rank THEN 'up' WHEN c.rank > o.rank THEN 'down' ELSE 'same' END,
         (SELECT prev FROM p)
    FROM cur c
    FULL JOIN old o ON o.list = c.list AND o.key = c.key
   WHERE (SELECT prev FROM p) IS NOT NULL
   ORDER BY 1, c.rank NULLS LAST, o.rank, 2
$$;
COMMENT ON FUNCTION report.movers(bigint) IS 'Every entry of a run''s combined, WeChat (WCI), Weibo (BCI) and app (total downloads) rankings against the previous period''s run (report.previous_run): rank then and now, move, status up, down, same, new or dropped. No rows when there is no previous run. Columns: list (combined, wechat, weibo, apps), key (org_key, biz, account, app_key), name, rank (NULL when dropped), prev_rank (NULL when new), rank_move (prev_rank - rank: positive is up), score and prev_score (index, or downloads for apps; 2 decimals), status, prev_run_id.';

-- Coverage of one run, counted from the scorer's own record: the entries it
-- scored and those it did not, with the reason (score.unscored). Set-based, so
-- it costs milliseconds at the report's scale; report.coverage has the crawl
-- side per entry (last success, last failure) for the latest final period.
CREATE FUNCTION report.run_coverage(p_run_id bigint)
RETURNS TABLE (platform text, scored boolean, reason text, entries integer)
LANGUAGE sql STABLE AS $$
  SELECT 'wechat'::text, true, ''::text, count(*)::integer FROM score.wci WHERE run_id = p_run_id
  UNION ALL
  SELECT 'weibo', true, '', count(*)::integer FROM score.bci WHERE run_id = p_run_id
  UNION ALL
  SELECT 'app_listing', true, '', count(*)::integer FROM score.app_listing WHERE run_id = p_run_id
  UNION ALL
  SELECT u.platform, false, u.reason, count(*)::integer FROM score.unscored u WHERE u.run_id = p_run_id
   GROUP BY u.platform, u.reason
$$;
COMMENT ON FUNCTION report.run_coverage(bigint) IS 'What a run covered: per platform (wechat, weibo, app_listing) the registry entries it scored (scored true, reason empty) and those it did not, counted by reason (score.unscored; scored false). Columns: platform, scored, reason, entries. The entries of a platform add up to its registry at run time.';

GRANT SELECT ON report.panorama TO research;
GRANT EXECUTE ON FUNCTION report.previous_run(bigint), report.movers(bigint), report.run_coverage(bigint) TO research;
