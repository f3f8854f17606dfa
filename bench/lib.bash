# Helpers shared by the benchmarks (sourced; not a benchmark itself, hence the
# .bash suffix).

# PostgreSQL's CPU in clock ticks: the postmaster's own and its reaped
# children's times plus the live children's (read after the stage before has
# settled; a difference of two readings is what the stage between cost).
pg_cpu() {
  local pm s c
  pm=$(head -n 1 "$PGHOST/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  s=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat" 2>/dev/null || echo 0)
  for p in $(pgrep -P "$pm"); do c=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) && s=$((s + c)); done
  echo "$s"
}

# One process's own CPU in clock ticks (simweb's, read around a stage).
proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
