# Issue 16 end to end: account discovery crawled from a small simweb search
# universe. The queries come from the gazetteer and conf/discovery_words.tsv
# (`loader candidates queries`), are seeded through the Sogou source into the
# frontier, crawled (search pages, paging, profile and temporary article
# pages), parsed, loaded with `loader load` into obs.discovered_account and
# the registry, classified and evaluated against simweb's truth with the
# issue's thresholds. simweb's anti-spider limit is set below the crawler's
# pace, so the crawl meets the anti-spider redirect, backs off and resumes
# with nothing lost. A rerun finds nothing new and changes nothing.
source "$GR_TOP/tests/lib.sh"
source "$TOP/tests/integration/crawler_lib.bash"

t_ok "truth" "$B/simweb" --date 2014-10-01 --no-named --truth truth
t_ok "migrate" "$B/loader" -q migrate
t_ok "divisions" "$B/loader" -q divisions
out=$("$B/loader" candidates queries 2>&1); rc=$?
t_eq "queries seeded" 0 $rc
nq=$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'sogou_search'")
t_match "queries: thousands, from every province, city and county name and the words" "^[3-9][0-9]{3}$" "$nq"
t_match "queries reported" "search queries: $nq seeded" "$out"
t_eq "every query seeded on page 1 of weixin.sogou.com, keyed by its query" "$nq" \
  "$(q "SELECT count(*) FROM crawl.frontier WHERE source = 'sogou' AND host = 'weixin.sogou.com' AND url LIKE 'http://weixin.sogou.com/weixin?type=1&query=%&page=1' AND target_key IS NOT NULL")"
t_eq "a county's name is a query" 1 "$(q "SELECT count(*) FROM crawl.frontier WHERE target_key = '玄武区'")"
t_eq "a province with a function word is a query" 1 "$(q "SELECT count(*) FROM crawl.frontier WHERE target_key = '江苏省公安'")"
t_eq "a central body of the classifier is a query" 1 "$(q "SELECT count(*) FROM crawl.frontier WHERE target_key = '最高人民法院'")"
t_ok "queries again" "$B/loader" -q candidates queries
t_eq "seeding again adds nothing" "$nq" "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'sogou_search'")"
printf 'word\tscope\tevidence\n公安\teverywhere\tx\n' > badwords.tsv
out=$("$B/loader" candidates queries --words badwords.tsv 2>&1); rc=$?
t_eq "a bad words file exits 65" 65 $rc
t_match "a bad words file names file and line" "badwords.tsv line 2: scope \"everywhere\"" "$out"

# the crawl: simweb lets a client make 150 searches a second (burst 50), the
# crawler goes faster, so the anti-spider redirect comes and the host backs off
start_simweb --date 2014-10-01 --no-named --sogou-rate 150 --sogou-burst 50 --sogou-block-ms 200
SET=("${CR_SET[@]}" --set crawler.max_depth=12 --set crawler.max_attempts=20 --set crawler.backoff_base_ms=100
     --set crawler.backoff_cap_ms=1000
     --set host:weixin.sogou.com.delay_ms=0 --set host:weixin.sogou.com.max_inflight=8)
start=$(date +%s)
"$B/crawler" --out warc --connect-to "$SW_CONNECT" "${SET[@]}" --concurrency 16 2>crawler.log
t_eq "crawler exits 0" 0 $?
echo "# crawl took $(( $(date +%s) - start )) s"
# simweb's log: the searches it answered with its 302 to /antispider/
nanti=$(awk -F'\t' '$3 == "weixin.sogou.com" && $5 ~ /^\/weixin\?/ && $6 == 302' sw.log | wc -l)
echo "# anti-spider redirects served: $nanti"
t_eq "the anti-spider page was met" 1 "$([ "$nanti" -gt 0 ] && echo 1)"
t_eq "anti-spider answers were retried, not taken as pages" "$nanti" \
  "$(q "SELECT count(*) FROM crawl.fetch_log WHERE outcome = 'retry' AND error LIKE '%anti-spider%'")"
t_eq "nothing lost: every search URL done" "0" "$(q "SELECT count(*) FROM crawl.frontier WHERE source = 'sogou' AND state <> 'done'")"
t_eq "the anti-spider page itself was never fetched" 0 "$(q "SELECT count(*) FROM crawl.frontier WHERE url LIKE '%/antispider%'")"
t_eq "paging was crawled" 1 "$([ "$(q "SELECT count(*) FROM crawl.frontier WHERE kind = 'sogou_search' AND url LIKE '%&page=2'")" -gt 0 ] && echo 1)"

t_ok "parse" "$B/parser" -q --out parsed warc/*.warc.gz
# the parser skips a redirect (a hop, no rows): an anti-spider answer is never a
# result page, and the page done for each search is the one simweb served with results
t_eq "every search was done with simweb's 200 page, none with an anti-spider answer" 0 \
  "$(q "SELECT count(*) FROM crawl.fetch_log l JOIN crawl.frontier f ON f.id = l.frontier_id WHERE f.source = 'sogou' AND l.outcome = 'done' AND l.status <> 200")"
t_ok "load" "$B/loader" -q load parsed/*.tsv
t_eq "result rows stored as observations" 1 "$([ "$(q 'SELECT count(*) FROM obs.discovered_account WHERE query IS NOT NULL')" -gt 0 ] && echo 1)"
t_eq "result rows only from the 200 pages" 0 \
  "$(q "SELECT count(*) FROM obs.discovered_account o WHERE query IS NOT NULL AND NOT EXISTS (SELECT 1 FROM crawl.fetch_log l WHERE l.warc_file = o.warc_file AND l.warc_offset = o.warc_offset AND l.status = 200)")"
out=$("$B/loader" -q candidates evaluate --check truth); rc=$?
printf '%s\n' "$out"
t_eq "every measure meets its target (found >= 99 %, gov/province >= 98 %, level >= 95 %, function >= 90 %)" 0 $rc
t_eq "lookalikes rejected" "100.00" "$(printf '%s\n' "$out" | awk -F'\t' '$1=="lookalikes rejected" {print $2}')"
t_eq "provenance: each account's first query, WARC and time" 0 \
  "$(q "SELECT count(*) FROM src.discovered_account WHERE first_query IS NULL OR first_warc_file NOT IN ($(cd warc && ls | sed "s/.*/'&'/" | paste -sd,)) OR first_seen IS NULL")"
t_eq "the __biz of every found account linked from its article page" "0" \
  "$(q "SELECT count(*) FROM src.discovered_account WHERE biz IS NULL")"
q "CREATE TABLE truth_biz (wechat_id text, biz text)" >/dev/null
tail -n +2 truth/discovery_account.tsv | cut -f1,3 | psql -X -qc "COPY truth_biz FROM STDIN"
nbiz=$(q "SELECT count(*) FROM src.discovered_account d JOIN truth_biz t USING (wechat_id) WHERE t.biz = d.biz")
t_eq "every linked __biz is the true one" "$(q 'SELECT count(*) FROM src.discovered_account')" "$nbiz"
t_eq "township accounts at their level" \
  "$(awk -F'\t' 'NR>1 && $8=="township"' truth/discovery_account.tsv | wc -l)" \
  "$(q "SELECT count(*) FROM src.discovered_account WHERE level = 'township'")"
t_eq "promoted accounts are tracked and seeded" "$(q 'SELECT count(*) FROM src.discovered_account WHERE promoted_at IS NOT NULL')" \
  "$(q "SELECT count(*) FROM crawl.frontier f JOIN src.discovered_account d ON f.target_key = d.biz WHERE f.kind = 'wechat_home' AND d.promoted_at IS NOT NULL")"

# --- a rerun finds nothing new and changes nothing
state() { q "SELECT md5(string_agg(d::text, ',' ORDER BY wechat_id)) FROM src.discovered_account d"; q "SELECT count(*) FROM src.discovered_sighting"; q "SELECT count(*) FROM src.discovered_account_history"; q "SELECT count(*) FROM src.wechat_account"; q "SELECT count(*) FROM obs.discovered_account"; }
s1=$(state)
nf=$(q "SELECT count(*) FROM crawl.frontier")
t_ok "queries after the crawl" "$B/loader" -q candidates queries
"$B/crawler" --out warc2 --connect-to "$SW_CONNECT" "${SET[@]}" --concurrency 16 2>crawler2.log
t_eq "a second crawl exits 0" 0 $?
t_eq "a second crawl fetches nothing new" "$nf" "$(q "SELECT count(*) FROM crawl.frontier")"
t_ok "the same files loaded again" "$B/loader" -q load parsed/*.tsv
rm -rf parsed2 && t_ok "parse again" "$B/parser" -q --out parsed2 warc/*.warc.gz
for f in parsed2/*.tsv; do mv "$f" "${f%/*}/again-${f##*/}"; done
t_ok "load a reparse under other names" "$B/loader" -q load parsed2/*.tsv
t_eq "a rerun changes nothing" "$s1" "$(state)"
stop_simweb
