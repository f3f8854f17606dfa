# scorer check-report: the report's tables satisfy the four identities on every row
# except the documented report errors, and the violations listed are exactly those
# (tests/data/report/expected_violations.{tsv,md}). No database is used.
source "$GR_TOP/tests/lib.sh"
R=$TOP/tests/data/report

"$B/scorer" check-report "$R" >out.tsv 2>err.log
t_eq "check-report exits 1 when it finds violations" "1" "$?"
t_eq "header line" "kind	table	row	name	column	printed	expected	size" "$(head -n 1 out.tsv)"
t_eq "the violations are exactly the documented report errors" \
  "$(tail -n +2 "$R/expected_violations.tsv" | sort)" "$(tail -n +2 out.tsv | cut -f1-5 | sort)"
t_eq "no identity fails outside 表1.2 #10 and #11" "t1_2_central_combined 10 t1_2_central_combined 11" \
  "$(awk -F'\t' '$1 == "identity" { printf "%s%s %s", (n++ ? " " : ""), $2, $3 }' out.tsv)"
t_eq "sizes: 12360 0.444, 团学小微 0.134, 国务院公报 5.690" "0.444 0.134 5.690" \
  "$(awk -F'\t' '$1 == "identity" || $1 == "cross" { printf "%s%s", (n++ ? " " : ""), $8 }' out.tsv)"

# The same tables with the two combined cells corrected: those lines disappear.
mkdir -p fixed && cp "$R"/*.tsv fixed/
sed -i -e 's/^10\t12360 海关热线\t759.82\t834.16\t790.00$/10\t12360 海关热线\t759.82\t834.16\t789.56/' \
       -e 's/^11\t\(团学小微[^\t]*\)\t822.09\t741.53\t790.00$/11\t\1\t822.09\t741.53\t789.87/' fixed/t1_2_central_combined.tsv
"$B/scorer" check-report fixed >fixed.tsv 2>/dev/null
t_eq "corrected cells pass; only the new order problem (789.87 below 789.56) is listed" \
  "order t1_2_central_combined 11" "$(awk -F'\t' '$2 == "t1_2_central_combined" && ($1 == "identity" || $1 == "order") { print $1, $2, $3 }' fixed.tsv)"

t_fail "missing directory" 66 "$B/scorer" check-report does-not-exist
mkdir -p broken && cp "$R"/*.tsv broken/ && printf 'rank\tname\twci\tbci\tcombined\n1\tx\tabc\t1\t1\n' >broken/t1_3_local_combined.tsv
t_fail "a non-number is bad data" 65 "$B/scorer" check-report broken
t_ok "--help exits 0" "$B/scorer" --help
t_fail "no command is a usage error" 64 "$B/scorer"
