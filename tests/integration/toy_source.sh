# Adding a site is one file and one registry entry: the toy store
# (lib/sources/toy.c, registered by GR_TEST_SOURCES in lib/gr_source.c and
# built only into bin/toy_crawler, bin/toy_parser and bin/toy_contract_dump) is crawled over real
# loopback HTTP from a static site (tests/toy/site/, Python's http.server),
# parsed, and loaded into obs.app_listing of this test's own database.
# The test-only part: the schema's store list (the CHECK of obs.app_listing)
# is widened here for the toy's store code; a real new store adds its code to
# that list too, and the contract's C side (bin/toy_contract_dump) shows the
# drift schema_contract.sh reports when that line is forgotten. The production crawler and parser, built without the toy,
# do not extract it: the registry entry is what makes the site known.
source "$GR_TOP/tests/lib.sh"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$TOP/tests/toy/site" >http.log 2>&1 &
HTTPD=$!
trap 'kill $HTTPD 2>/dev/null' EXIT
for i in $(seq 50); do grep -q 'port [0-9]' http.log && break; sleep 0.1; done
PORT=$(sed -n 's/.* port \([0-9]*\).*/\1/p' http.log | head -n 1)
printf 'http://toy.example/app/%s.html\n' 1 2 3 4 >urls.txt
FAST="--set crawler.delay_ms=0 --connect-to 127.0.0.1:$PORT"

t_ok "the toy store is crawled over loopback HTTP" "$B/toy_crawler" --urls urls.txt --out warc $FAST
t_eq "four listings fetched (three pages, one 404) and robots.txt" "/app/1.html /app/2.html /app/3.html /app/4.html /robots.txt" \
  "$(sed -n 's/.*"GET \([^ ]*\) HTTP.*/\1/p' http.log | sort | tr '\n' ' ' | sed 's/ $//')"
t_ok "parsed by the toy parser" "$B/toy_parser" --verify --out parsed warc/*.warc.gz
rows=$(tail -n +2 parsed/*.app_listing.tsv | cut -f 1-7,10 | sort)
t_eq "one app_listing row per listing, counts normalised" \
  "$(printf 'toy\t1\torg.toy.bus\t玩具公交\t120000\tf\t12万次\tok\ntoy\t2\torg.toy.weather\tToy Weather\t3456\tf\t3,456次\tok\ntoy\t3\torg.toy.gov\t政务服务\t150000000\tf\t1.5亿次\tok\ntoy\t4\t\\N\t\\N\t\\N\tf\t\\N\tnot_found')" "$rows"
t_eq "no rejects" "0" "$(tail -n +2 parsed/*.parse_reject.tsv | wc -l)"

# the production parser does not know the site
t_ok "the production parser runs on the same WARC" "$B/parser" --out plain warc/*.warc.gz
t_eq "... and extracts nothing from it" "0" "$(cat plain/*.app_listing.tsv 2>/dev/null | tail -n +2 | wc -l)"
t_eq "... it rejects every page as unowned" "4" "$(tail -n +2 plain/*.parse_reject.tsv | wc -l)"

# loaded into the real observation table
t_ok "migrate" "$B/loader" -q migrate
# forgetting the schema's line is caught: the contract's C side with the toy
# registered names a store the schema does not (schema_contract.sh fails so)
stores() { grep '^store ' | sort -u; }
t_eq "the toy store without its schema line is a drift of the contract" \
  "C only: store 360,91,yyb,baidu,wandoujia,appstore,toy" \
  "$(diff <(psql -X -v ON_ERROR_STOP=1 -qtA -f "$TOP/tests/contract/schema_facts.sql" | stores) \
          <("$B/toy_contract_dump" | stores) | sed -n 's/^> /C only: /p; s/^< /schema only: /p')"
t_ok "the store list admits the toy (test-only)" q "ALTER TABLE obs.app_listing DROP CONSTRAINT app_listing_store_check,
  ADD CONSTRAINT app_listing_store_check CHECK (store IN ('360', '91', 'yyb', 'baidu', 'wandoujia', 'appstore', 'toy'))"
t_ok "loaded" "$B/loader" -q load parsed/*.tsv
t_eq "obs.app_listing holds the toy's rows" \
  "$(printf '1|org.toy.bus|120000|ok\n2|org.toy.weather|3456|ok\n3|org.toy.gov|150000000|ok\n4|||not_found')" \
  "$(q "SELECT listing_id, package, downloads, status FROM obs.app_listing WHERE store = 'toy' ORDER BY listing_id")"
t_eq "with their provenance" "4" \
  "$(q "SELECT count(*) FROM obs.app_listing WHERE store = 'toy' AND url LIKE 'http://toy.example/app/%' AND warc_offset > 0")"
