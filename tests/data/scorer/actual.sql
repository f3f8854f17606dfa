-- The scorer's results for run :run in the long format of expected_2014.tsv
-- (list, key, column, value); used by tests/integration/scorer_fixture.sh.
\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'
SELECT 'wci', biz, c, v FROM score.wci, LATERAL (VALUES
    ('articles', articles::float8), ('articles_unobserved', articles_unobserved), ('articles_capped', articles_capped),
    ('reads', reads), ('likes', likes), ('read_max', read_max), ('like_max', like_max),
    ('read_index', read_index), ('like_index', like_index), ('wci', wci), ('rank_all', rank_all),
    ('rank_scope', rank_scope)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'wci_sub', biz, c, v FROM score.wci_sub, LATERAL (VALUES
    ('read_col', read_col), ('like_col', like_col), ('wci', wci)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'bci', account, c, v FROM score.bci, LATERAL (VALUES
    ('followers', followers::float8), ('new_followers', new_followers), ('posts', posts), ('coverage', coverage),
    ('activity', activity), ('interaction', interaction), ('propagation', propagation), ('bci', bci),
    ('rank_all', rank_all), ('rank_scope', rank_scope)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'combined', org_key, c, v FROM score.combined, LATERAL (VALUES
    ('wci', wci), ('bci', bci), ('combined', combined), ('rank_all', rank_all::float8)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'app_listing', store || '/' || listing_id, c, v FROM score.app_listing, LATERAL (VALUES
    ('rank_store', rank_store::float8), ('downloads', downloads)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'app_total', app_key, c, v FROM score.app_total, LATERAL (VALUES
    ('downloads', downloads::float8), ('rank', rank)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'app_store', store, c, v FROM score.app_store, LATERAL (VALUES
    ('downloads', downloads::float8), ('downloads_avg', downloads_avg),
    ('listings_with_downloads', listings_with_downloads)) x(c, v) WHERE run_id = :run
UNION ALL
SELECT 'aggregate', platform, metric, value FROM score.aggregate WHERE run_id = :run;
SELECT 'hot_article', rank::text, 'mid_idx', mid || '/' || idx FROM score.hot_article WHERE run_id = :run;
