SELECT meta.obs_ensure_partitions('2013-12-01', '2014-12-01'); -- obs.* is partitioned by month (schema/012)
-- Hand-computed scorer fixture: a tiny registry and observation set for October 2014
-- (period 2014-10-01..2014-10-31, Asia/Shanghai). Every number the scorer must produce
-- from it is derived by hand in fixture.md; expected_2014.tsv holds the results.
-- Loaded by tests/integration/scorer_fixture.sh after the migrations.

INSERT INTO src.organisation (org_key, name, level, province, function) VALUES
  ('org_a', '部门甲', 'central', NULL, '公安'),
  ('org_b', '城市乙', 'province', '浙江', '党政宣传'),
  ('org_c', '机构丙', 'city', '广东', '卫生');

INSERT INTO src.wechat_account (biz, name, org_key, level, province, function) VALUES
  ('MzA=', '甲微信', 'org_a', 'central', NULL, '公安'),
  ('MzB=', '乙发布', 'org_b', 'province', '浙江', '党政宣传'),
  ('MzC=', '丙健康', 'org_c', 'city', '广东', '卫生');
-- MzD= is deliberately not registered: its articles must be ignored.

INSERT INTO src.weibo_account (account, name, org_key, level, province, function) VALUES
  ('wb_a', '甲微博', 'org_a', 'central', NULL, '公安'),
  ('wb_b', '乙微博', 'org_b', 'province', '浙江', '党政宣传'),
  ('wb_d', '丁微博', NULL, 'county', '江苏', '旅游'),
  ('wb_e', '戊微博', NULL, 'city', '广东', '卫生');

INSERT INTO src.app (app_key, name, org_key, level, province, function) VALUES
  ('com.rail', '12306', 'org_a', 'central', NULL, '交通'),
  ('com.bjsubway', '北京地铁', NULL, 'province', '北京', '交通'),
  ('com.shsubway', '上海地铁', NULL, 'province', '上海', '交通');

INSERT INTO src.store_listing (store, listing_id, app_key, url) VALUES
  ('360', '111', 'com.rail', 'http://zhushou.360.cn/detail/index/soft_id/111'),
  ('baidu', 'd1', 'com.rail', 'http://shouji.baidu.com/software/d1.html'),
  ('appstore', '99', 'com.rail', 'http://itunes.apple.com/lookup?id=99&country=cn'),
  ('360', '222', 'com.bjsubway', 'http://zhushou.360.cn/detail/index/soft_id/222'),
  ('baidu', 'd2', 'com.bjsubway', 'http://shouji.baidu.com/software/d2.html'),
  ('360', '333', 'com.shsubway', 'http://zhushou.360.cn/detail/index/soft_id/333');

-- ------------------------------------------------------------------ WeChat articles (pages)
INSERT INTO obs.wechat_article (biz, mid, idx, title, account_name, published_at, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('MzA=', 100, 1, 'A1 头条', '甲微信', '2014-10-05T02:00:00Z', 'ok', 'f.warc.gz', 1, 'u', '2014-10-06T00:00:00Z'),
  ('MzA=', 100, 2, 'A2', '甲微信', '2014-10-05T02:00:00Z', 'ok', 'f.warc.gz', 2, 'u', '2014-10-06T00:00:00Z'),
  ('MzA=', 300, 1, 'A4 九月', '甲微信', '2014-09-20T02:00:00Z', 'ok', 'f.warc.gz', 3, 'u', '2014-10-06T00:00:00Z'),
  ('MzA=', 400, 1, 'A5 无统计', '甲微信', '2014-10-20T02:00:00Z', 'ok', 'f.warc.gz', 4, 'u', '2014-10-21T00:00:00Z'),
  ('MzA=', 700, 1, NULL, NULL, NULL, 'deleted', 'f.warc.gz', 5, 'u', '2014-10-21T00:00:00Z'),
  ('MzB=', 10, 1, 'B1', '乙发布', '2014-10-08T01:00:00Z', 'ok', 'f.warc.gz', 6, 'u', '2014-10-09T00:00:00Z'),
  ('MzB=', 10, 2, 'B2', '乙发布', '2014-10-08T01:00:00Z', 'ok', 'f.warc.gz', 7, 'u', '2014-10-09T00:00:00Z'),
  ('MzB=', 11, 1, 'B3 热文', '乙发布', '2014-10-09T01:00:00Z', 'ok', 'f.warc.gz', 8, 'u', '2014-10-10T00:00:00Z'),
  ('MzC=', 1, 1, 'C1', '丙健康', '2014-10-12T01:00:00Z', 'ok', 'f.warc.gz', 9, 'u', '2014-10-13T00:00:00Z'),
  ('MzD=', 1, 1, 'D1 未登记', '丁', '2014-10-12T01:00:00Z', 'ok', 'f.warc.gz', 10, 'u', '2014-10-13T00:00:00Z');

-- ------------------------------------------------------------------ WeChat history listings
INSERT INTO obs.wechat_history (biz, mid, idx, title, published_at, warc_file, warc_offset, url, fetched_at) VALUES
  -- A3: no article page; 2014-10-31 20:00 Beijing time = in the period.
  ('MzA=', 200, 1, 'A3 仅列表', '2014-10-31T12:00:00Z', 'h.warc.gz', 1, 'u', '2014-11-02T00:00:00Z'),
  -- A6: 2014-11-01 01:00 Beijing time = outside the period.
  ('MzA=', 500, 1, 'A6 十一月', '2014-10-31T17:00:00Z', 'h.warc.gz', 2, 'u', '2014-11-02T00:00:00Z'),
  -- A7: page deleted (no publish time there), history says 15 October: counts, but has no stats.
  ('MzA=', 700, 1, 'A7 已删除', '2014-10-15T02:00:00Z', 'h.warc.gz', 3, 'u', '2014-11-02T00:00:00Z'),
  -- A1 also listed with a different time: the page's time wins.
  ('MzA=', 100, 1, 'A1 头条', '2014-12-01T02:00:00Z', 'h.warc.gz', 4, 'u', '2014-11-02T00:00:00Z');

-- ------------------------------------------------------------------ WeChat stats snapshots
INSERT INTO obs.wechat_stat (biz, mid, idx, origin, read_num, read_capped, read_raw, like_num, like_raw, status, warc_file, warc_offset, url, fetched_at) VALUES
  -- A1: older snapshot, then footer and appmsgext at the same time (appmsgext wins), then one after the cut-off.
  ('MzA=', 100, 1, 'footer', 50000, false, '50000', 200, '200', 'ok', 's.warc.gz', 1, 'u', '2014-10-06T00:00:00Z'),
  ('MzA=', 100, 1, 'footer', 90000, false, '90000', 400, '400', 'ok', 's.warc.gz', 2, 'u', '2014-10-10T00:00:00Z'),
  ('MzA=', 100, 1, 'appmsgext', 100001, true, '100000+', 500, '500', 'ok', 's.warc.gz', 3, 'u', '2014-10-10T00:00:00Z'),
  ('MzA=', 100, 1, 'appmsgext', 100001, true, '100000+', 900, '900', 'ok', 's.warc.gz', 4, 'u', '2014-11-20T00:00:00Z'),
  -- A2: fetched 5 November, inside the 7-day grace.
  ('MzA=', 100, 2, 'footer', 20000, false, '20000', 100, '100', 'ok', 's.warc.gz', 5, 'u', '2014-11-05T00:00:00Z'),
  ('MzA=', 200, 1, 'appmsgext', 5000, false, '5000', 20, '20', 'ok', 's.warc.gz', 6, 'u', '2014-11-01T00:00:00Z'),
  ('MzA=', 300, 1, 'footer', 99999, false, '99999', 9, '9', 'ok', 's.warc.gz', 7, 'u', '2014-10-06T00:00:00Z'),
  ('MzA=', 400, 1, 'footer', NULL, false, NULL, NULL, NULL, 'verification', 's.warc.gz', 8, 'u', '2014-10-21T00:00:00Z'),
  ('MzA=', 500, 1, 'footer', 7777, false, '7777', 7, '7', 'ok', 's.warc.gz', 9, 'u', '2014-11-02T00:00:00Z'),
  ('MzB=', 10, 1, 'footer', 3000, false, '3000', 30, '30', 'ok', 's.warc.gz', 10, 'u', '2014-10-09T00:00:00Z'),
  -- B2: like count missing (NULL), never zero in obs; adds nothing to Z.
  ('MzB=', 10, 2, 'footer', 1000, false, '1000', NULL, NULL, 'ok', 's.warc.gz', 11, 'u', '2014-10-09T00:00:00Z'),
  ('MzB=', 11, 1, 'footer', 100001, true, '10万+', 800, '800', 'ok', 's.warc.gz', 12, 'u', '2014-10-10T00:00:00Z'),
  ('MzC=', 1, 1, 'footer', 200, false, '200', 0, '0', 'ok', 's.warc.gz', 13, 'u', '2014-10-13T00:00:00Z'),
  ('MzD=', 1, 1, 'footer', 50000, false, '50000', 50, '50', 'ok', 's.warc.gz', 14, 'u', '2014-10-13T00:00:00Z');

-- ------------------------------------------------------------------ Weibo account snapshots
INSERT INTO obs.weibo_account (account, nick, followers, following, posts, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('wb_a', '甲微博', 500, 1, 2, 'ok', 'w.warc.gz', 30, 'u', '2013-12-25T00:00:00Z'),
  ('wb_a', '甲微博', 600, 1, 3, 'ok', 'w.warc.gz', 31, 'u', '2014-01-02T00:00:00Z'),
  ('wb_a', '甲微博', 900, 1, 10, 'ok', 'w.warc.gz', 1, 'u', '2014-09-25T00:00:00Z'),
  ('wb_a', '甲微博', 1000, 1, 11, 'ok', 'w.warc.gz', 2, 'u', '2014-10-02T00:00:00Z'),
  ('wb_a', '甲微博', NULL, NULL, NULL, 'error', 'w.warc.gz', 3, 'u', '2014-10-15T00:00:00Z'),
  ('wb_a', '甲微博', 1500, 1, 14, 'ok', 'w.warc.gz', 4, 'u', '2014-10-30T00:00:00Z'),
  ('wb_b', '乙微博', 2050000, 5, 60, 'ok', 'w.warc.gz', 32, 'u', '2014-01-05T00:00:00Z'),
  ('wb_b', '乙微博', 2050000, 5, 100, 'ok', 'w.warc.gz', 5, 'u', '2014-10-05T00:00:00Z'),
  ('wb_b', '乙微博', 2000000, 5, 106, 'ok', 'w.warc.gz', 6, 'u', '2014-10-25T00:00:00Z'),
  ('wb_d', '丁微博', 777, 5, 1, 'ok', 'w.warc.gz', 7, 'u', '2014-11-20T00:00:00Z'),
  ('wb_e', '戊微博', 50, 0, 0, 'ok', 'w.warc.gz', 8, 'u', '2014-10-27T00:00:00Z');

-- ------------------------------------------------------------------ Weibo posts
INSERT INTO obs.weibo_post (account, post_id, posted_at, kind, reposts, comments, mentions, warc_file, warc_offset, url, fetched_at) VALUES
  ('wb_a', 'p1', '2014-10-03T01:00:00Z', 'original', 3, 1, 1, 'w.warc.gz', 10, 'u', '2014-10-04T00:00:00Z'),
  ('wb_a', 'p1', '2014-10-03T01:00:00Z', 'original', 10, 5, 1, 'w.warc.gz', 11, 'u', '2014-10-20T00:00:00Z'),
  ('wb_a', 'p1', '2014-10-03T01:00:00Z', 'original', 999, 999, 1, 'w.warc.gz', 12, 'u', '2014-11-25T00:00:00Z'),
  ('wb_a', 'p2', '2014-10-10T01:00:00Z', 'repost', 2, 1, 0, 'w.warc.gz', 13, 'u', '2014-10-20T00:00:00Z'),
  ('wb_a', 'p3', '2014-10-11T01:00:00Z', 'reply', 0, 0, 2, 'w.warc.gz', 14, 'u', '2014-10-20T00:00:00Z'),
  ('wb_a', 'p4', '2014-09-28T01:00:00Z', 'original', 1000, 1000, 0, 'w.warc.gz', 15, 'u', '2014-10-20T00:00:00Z'),
  ('wb_a', 'p5', '2013-12-31T15:00:00Z', 'original', 5000, 5000, 9, 'w.warc.gz', 33, 'u', '2014-10-20T00:00:00Z'),
  ('wb_b', 'o1', '2014-10-06T01:00:00Z', 'original', 400, 50, 0, 'w.warc.gz', 16, 'u', '2014-10-26T00:00:00Z'),
  ('wb_b', 'o2', '2014-10-07T01:00:00Z', 'original', 0, 10, 0, 'w.warc.gz', 17, 'u', '2014-10-26T00:00:00Z'),
  ('wb_b', 'o3', '2014-10-08T01:00:00Z', 'original', 100, 0, 0, 'w.warc.gz', 18, 'u', '2014-10-26T00:00:00Z'),
  ('wb_b', 'o4', '2014-10-09T01:00:00Z', 'original', 0, 0, 0, 'w.warc.gz', 19, 'u', '2014-10-26T00:00:00Z'),
  ('wb_b', 'r1', '2014-10-10T01:00:00Z', 'repost', 20, 5, 0, 'w.warc.gz', 20, 'u', '2014-10-26T00:00:00Z'),
  ('wb_b', 'r2', '2014-10-11T01:00:00Z', 'repost', NULL, NULL, NULL, 'w.warc.gz', 21, 'u', '2014-10-26T00:00:00Z');

-- ------------------------------------------------------------------ app listings
INSERT INTO obs.app_listing (store, listing_id, package, app_name, downloads, downloads_capped, downloads_raw, rating_count, rating_avg, status, warc_file, warc_offset, url, fetched_at) VALUES
  ('360', '111', 'com.rail', '12306', 8000000, false, '800万次', NULL, NULL, 'ok', 'a.warc.gz', 1, 'u', '2014-09-30T00:00:00Z'),
  ('360', '111', 'com.rail', '12306', 8670000, false, '867万次', NULL, NULL, 'ok', 'a.warc.gz', 2, 'u', '2014-10-30T00:00:00Z'),
  ('360', '111', 'com.rail', '12306', 9000000, false, '900万次', NULL, NULL, 'ok', 'a.warc.gz', 3, 'u', '2014-11-05T00:00:00Z'),
  ('baidu', 'd1', 'com.rail', '12306', 15520000, false, '1552万', NULL, NULL, 'ok', 'a.warc.gz', 4, 'u', '2014-10-28T00:00:00Z'),
  ('appstore', '99', NULL, '12306', NULL, false, NULL, 1234, 2.50, 'ok', 'a.warc.gz', 5, 'u', '2014-10-28T00:00:00Z'),
  ('360', '222', 'com.bjsubway', '北京地铁', 390000, false, '39万次', NULL, NULL, 'ok', 'a.warc.gz', 6, 'u', '2014-10-28T00:00:00Z'),
  ('baidu', 'd2', 'com.bjsubway', '北京地铁', 100000, false, '10万', NULL, NULL, 'ok', 'a.warc.gz', 7, 'u', '2014-10-28T00:00:00Z'),
  ('baidu', 'd2', 'com.bjsubway', '北京地铁', NULL, false, NULL, NULL, NULL, 'error', 'a.warc.gz', 8, 'u', '2014-10-25T00:00:00Z'),
  ('360', '333', 'com.shsubway', '上海地铁', 170000, false, '17万次', NULL, NULL, 'ok', 'a.warc.gz', 9, 'u', '2014-10-28T00:00:00Z');
