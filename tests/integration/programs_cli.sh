# The program skeleton (lib/gr_prog): every program answers --version (its
# version and its libraries') and --help with 0, an unknown option with 64,
# takes any number of --set options (the parser used to drop those past 64),
# and reads --config; the scorer too.
. "$GR_TOP/tests/lib.sh"
progs=(crawler parser loader scorer govreach "govreach report" simweb)
sets=()
for i in $(seq 1 70); do sets+=(--set log.format=text); done
for prog in "${progs[@]}"; do
  read -r -a cmd <<<"$prog"
  name=${cmd[0]}
  out=$("$B/$name" "${cmd[@]:1}" --version); rc=$?
  t_eq "$prog --version exits 0" 0 "$rc"
  t_match "$prog --version names the program and the version" "^$name \(govreach\) [0-9]+\.[0-9]+" "$(head -n 1 <<<"$out")"
  t_match "$prog --version lists library versions" "[a-zA-Z0-9]+ [0-9]+\.[0-9]+" "$(sed -n 2p <<<"$out")"
  out=$("$B/$name" "${cmd[@]:1}" --help); rc=$?
  t_eq "$prog --help exits 0" 0 "$rc"
  t_match "$prog --help documents the common options" "--version" "$out"
  err=$("$B/$name" "${cmd[@]:1}" --no-such-option 2>&1 >/dev/null); rc=$?
  t_eq "$prog: an unknown option exits 64" 64 "$rc"
  t_match "$prog: and says try --help" "try '$name --help'" "$err"
  t_fail "$prog: --set without = exits 64" 64 "$B/$name" "${cmd[@]:1}" --set nokey
  # the 71st --set is still read: a bad log.level there is a configuration error (78)
  case $prog in
    crawler) args=(--urls /dev/null --out w) ;;
    parser) args=(nosuch.warc.gz) ;;
    loader) args=(migrate) ;;
    scorer) args=(list) ;;
    govreach) args=(--no-crawl nightly) ;;
    "govreach report") args=(--out r) ;;
    simweb) args=(--truth t) ;;
  esac
  err=$("$B/$name" "${cmd[@]:1}" "${sets[@]}" --set log.level=loud "${args[@]}" 2>&1); rc=$?
  t_eq "$prog: the 71st --set is read (78)" 78 "$rc"
  t_match "$prog: and named" "log.level" "$err"
  t_fail "$prog: a missing --config file exits 78" 78 "$B/$name" "${cmd[@]:1}" --config nosuch.conf "${args[@]}"
done
t_ok "loader runs with 71 --set options" "$B/loader" "${sets[@]}" --set log.level=warn migrate
t_ok "simweb runs with 71 --set options" "$B/simweb" "${sets[@]}" --set log.level=warn --truth t2
t_eq "and writes its truth" 6 "$(ls t2/*.tsv | wc -l)"

# the scorer reads its database from the configuration file like the others
db=$PGDATABASE
printf '[db]\nconninfo = dbname=%s\n[log]\nlevel = warn\n' "$db" >scorer.conf
out=$(env -u PGDATABASE "$B/scorer" --config scorer.conf list 2>&1); rc=$?
t_eq "scorer --config: db.conninfo from the file (list exits 0)" 0 "$rc"
out=$(env -u PGDATABASE "$B/scorer" --config scorer.conf --set db.conninfo="dbname=nosuch_db_$$" list 2>&1); rc=$?
t_eq "scorer: --set beats the file (no such database: 69)" 69 "$rc"
printf '[db]\nconnifo = x\n' >bad.conf
out=$("$B/scorer" --config bad.conf list 2>&1); rc=$?
t_eq "scorer: an unknown key in its file exits 78" 78 "$rc"
t_match "and names file:line" "bad.conf:2" "$out"
t_ok "scorer accepts the example configuration" "$B/scorer" --config "$TOP/conf/govreach.conf.example" list
