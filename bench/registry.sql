-- The registry at the report's scale (16,446 WeChat accounts, 186,697 Weibo accounts,
-- 8,000 organisations, 377 apps in 3 stores), shared by bench/scorer.sh and bench/history.sh.
SELECT setseed(0.42) \gset
-- The level, province and function of the i-th row, one rule for every table.
CREATE FUNCTION pg_temp.level_of(i int, lowest text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$SELECT CASE WHEN i % 20 = 0 THEN 'central' WHEN i % 3 = 0 THEN 'province' ELSE lowest END$$;
CREATE FUNCTION pg_temp.province_of(i int) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$SELECT CASE WHEN i % 20 = 0 THEN NULL ELSE (ARRAY['北京','上海','广东','浙江','江苏','四川'])[1 + i % 6] END$$;
CREATE FUNCTION pg_temp.function_of(i int) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$SELECT (ARRAY['公安','党政宣传','司法','卫生','旅游','交通'])[1 + i % 6]$$;
INSERT INTO src.organisation (org_key, name, level, province, function)
SELECT 'o' || i, '机构' || i, pg_temp.level_of(i, 'city'), pg_temp.province_of(i), pg_temp.function_of(i)
  FROM generate_series(1, 8000) i;
INSERT INTO src.wechat_account (biz, name, org_key, level, province, function)
SELECT 'b' || i, '微信' || i, CASE WHEN i <= 8000 THEN 'o' || i END, pg_temp.level_of(i, 'city'),
       pg_temp.province_of(i), pg_temp.function_of(i)
  FROM generate_series(1, 16446) i;
INSERT INTO src.weibo_account (account, name, org_key, level, province, function)
SELECT 'w' || i, '微博' || i, CASE WHEN i <= 8000 THEN 'o' || i END, pg_temp.level_of(i, 'county'),
       pg_temp.province_of(i), pg_temp.function_of(i)
  FROM generate_series(1, 186697) i;
INSERT INTO src.app (app_key, name, level, province)
SELECT 'a' || i, '应用' || i, CASE WHEN i % 10 = 0 THEN 'central' ELSE 'province' END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE (ARRAY['北京','上海','广东','浙江'])[1 + i % 4] END
  FROM generate_series(1, 377) i;
INSERT INTO src.store_listing (store, listing_id, app_key, url)
SELECT s, 'a' || i, 'a' || i, 'u' FROM generate_series(1, 377) i, unnest(ARRAY['360','baidu','wandoujia']) s;
