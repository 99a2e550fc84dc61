#!/usr/bin/env bash
# Runs the same benchmark commands against etcd and against Etcetera on this machine, one
# server at a time, each on a fresh data directory and loopback ports, and prints throughput
# and p50/p99 latency side by side with the ratio ours/etcd.
#
# Both servers are driven by the same client (`etcetera benchmark`), so the comparison is
# about the servers. Needs bash, jq and setsid.
#
# Usage:
#   side-by-side.sh --launcher path/to/bin/etcetera [--etcd /usr/bin/etcd] [options]
#
# Options:
#   --launcher PATH    our launcher; the benchmark client is "PATH benchmark" unless --bench is given
#   --etcd PATH        etcd binary (default /usr/bin/etcd)
#   --ours-cmd TMPL    command that starts our server; {name}, {data}, {client}, {peer} and {initial}
#                      are replaced by the member name, data directory, client URL, peer URL and
#                      --initial-cluster value. Default: the bin/etcd alias next to the launcher
#                      with etcd's flags (the same flags etcd gets).
#   --members N        run each server as a cluster of N members on this machine (default 1); the
#                      benchmark client spreads its connections over all members' endpoints
#   --bench CMD        command prefix that runs the benchmark client (default "LAUNCHER benchmark"),
#                      e.g. "java -p <module path> -m etcetera.cli/etcetera.cli.Main benchmark"
#   --total N          requests per case unless the case sets --total (default 5000)
#   --warmup N         puts sent to each server before measuring, so a JIT-compiled server is
#                      measured warm (default 2000; 0 to skip)
#   --case "ARGS"      a benchmark case, e.g. "put --clients 16 --conns 4"; repeat for several.
#                      Default: the set below.
#   --only etcd|ours   run one server only (its columns are filled, the others show -)
#   --ready-timeout S  seconds to wait for a server to answer (default 60)
set -euo pipefail

etcd_bin=/usr/bin/etcd
launcher=""
ours_cmd=""
bench=""
total=5000
warmup=2000
only=""
ready_timeout=60
members=1
cases=()

while (($#)); do
  case "$1" in
    --launcher) launcher=$2; shift 2 ;;
    --etcd) etcd_bin=$2; shift 2 ;;
    --ours-cmd) ours_cmd=$2; shift 2 ;;
    --bench) bench=$2; shift 2 ;;
    --total) total=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --case) cases+=("$2"); shift 2 ;;
    --only) only=$2; shift 2 ;;
    --members) members=$2; shift 2 ;;
    --ready-timeout) ready_timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v jq >/dev/null || { echo "side-by-side: jq is required" >&2; exit 2; }
command -v setsid >/dev/null || { echo "side-by-side: setsid is required" >&2; exit 2; }
if [[ -z $bench ]]; then
  [[ -n $launcher ]] || { echo "side-by-side: give --launcher (or --bench)" >&2; exit 2; }
  bench="$launcher benchmark"
fi
etcd_flags='--name {name} --data-dir {data} --listen-client-urls {client} --advertise-client-urls {client} --listen-peer-urls {peer} --initial-advertise-peer-urls {peer} --initial-cluster {initial} --initial-cluster-state new --initial-cluster-token side-by-side'
if [[ -z $ours_cmd && $only != etcd ]]; then
  [[ -n $launcher ]] || { echo "side-by-side: give --launcher or --ours-cmd" >&2; exit 2; }
  ours_cmd="$(dirname "$launcher")/etcd $etcd_flags"
fi
if ((${#cases[@]} == 0)); then
  cases=(
    "put --clients 1 --conns 1"
    "put --clients 16 --conns 4"
    "put --clients 64 --conns 8 --key-space-size 100000 --val-size 256"
    "range foo --clients 16 --conns 4 --consistency l"
    "range foo --clients 16 --conns 4 --consistency s"
  )
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")
server_pids=()
stop_server() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${server_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  server_pids=()
}
trap 'stop_server; rm -rf "$work"' EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# run_bench ENDPOINT ARGS... -> one JSON line on stdout; fails if the benchmark failed
run_bench() {
  local endpoint=$1; shift
  # shellcheck disable=SC2086 # $bench is a command prefix, split on purpose
  $bench --endpoints "$endpoint" --json "$@" 2>>"$work/bench.err" | grep '^{'
}

declare -A result  # result[server,case index,field]

measure() {
  local server=$1 template=$2
  local m names=() clients=() peers=() initial=""
  for ((m = 1; m <= members; m++)); do
    names+=("m$m")
    clients+=("http://127.0.0.1:$(free_port)")
    peers+=("http://127.0.0.1:$(free_port)")
    initial+="${initial:+,}m$m=${peers[-1]}"
  done
  local endpoints
  endpoints=$(IFS=,; echo "${clients[*]}")
  for ((m = 0; m < members; m++)); do
    local data="$work/$server-data-${names[$m]}"
    mkdir -p "$data"
    local cmd=${template//\{data\}/$data}
    cmd=${cmd//\{name\}/${names[$m]}}
    cmd=${cmd//\{client\}/${clients[$m]}}
    cmd=${cmd//\{peer\}/${peers[$m]}}
    cmd=${cmd//\{initial\}/$initial}
    echo "== $server: $cmd" >&2
    setsid bash -c "exec $cmd" >"$work/$server-${names[$m]}.log" 2>&1 &
    server_pids+=($!)
  done

  local deadline=$((SECONDS + ready_timeout))
  until run_bench "$endpoints" range side-by-side-ready --total 1 >/dev/null; do
    local pid
    for pid in "${server_pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
        echo "side-by-side: $server did not start serving; its output:" >&2
        tail -n 30 "$work/$server"-*.log >&2
        exit 1
      fi
    done
    sleep 0.5
  done
  local client=$endpoints
  if ((warmup > 0)); then
    echo "   warm-up: $warmup puts" >&2
    run_bench "$client" put --total "$warmup" --clients 16 --conns 4 >/dev/null
  fi

  local i json args
  for i in "${!cases[@]}"; do
    args=${cases[$i]}
    [[ $args == *--total* ]] || args="$args --total $total"
    echo "   $args" >&2
    # shellcheck disable=SC2086 # a case is a list of arguments
    if ! json=$(run_bench "$client" $args); then
      echo "side-by-side: '$args' failed against $server:" >&2
      tail -n 5 "$work/bench.err" >&2
      exit 1
    fi
    result[$server,$i,rps]=$(jq -r '.requests_per_sec' <<<"$json")
    result[$server,$i,p50]=$(jq -r '.latency_secs.p50 * 1000' <<<"$json")
    result[$server,$i,p99]=$(jq -r '.latency_secs.p99 * 1000' <<<"$json")
  done
  stop_server
  rm -rf "$work/$server"-data-*
}

[[ $only == ours ]] || measure etcd "$etcd_bin $etcd_flags"
[[ $only == etcd ]] || measure ours "$ours_cmd"

cell() { local v=${result[$1]:-}; [[ -n $v ]] && printf '%.2f' "$v" || printf -- '-'; }
ratio() {
  local ours=${result[ours,$1]:-} etcd=${result[etcd,$1]:-}
  if [[ -n $ours && -n $etcd ]] && jq -en --argjson e "$etcd" '$e != 0' >/dev/null; then
    printf '%.2f' "$(jq -rn --argjson o "$ours" --argjson e "$etcd" '$o / $e')"
  else
    printf -- '-'
  fi
}

printf '\n%-62s | %10s %10s %6s | %9s %9s %6s | %9s %9s %6s\n' \
  "case (latencies in ms)" "etcd req/s" "ours req/s" "ratio" "etcd p50" "ours p50" "ratio" "etcd p99" "ours p99" "ratio"
for i in "${!cases[@]}"; do
  printf '%-62s | %10s %10s %6s | %9s %9s %6s | %9s %9s %6s\n' "${cases[$i]}" \
    "$(cell "etcd,$i,rps")" "$(cell "ours,$i,rps")" "$(ratio "$i,rps")" \
    "$(cell "etcd,$i,p50")" "$(cell "ours,$i,p50")" "$(ratio "$i,p50")" \
    "$(cell "etcd,$i,p99")" "$(cell "ours,$i,p99")" "$(ratio "$i,p99")"
done
