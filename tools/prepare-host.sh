#!/usr/bin/env bash
# prepare-host.sh makes this host ready for joblab: a running Docker engine,
# the Debian tools the offline image builds need, and, only on hosts whose
# capability bounding set lacks CAP_SYS_RESOURCE, an OCI runtime wrapper so
# that privileged kind nodes can start. Safe to run again: a second run
# changes nothing.
#
# Usage: tools/prepare-host.sh [--check]
#   --check   only report what is missing; change nothing (exit 1 if any).
set -euo pipefail

PACKAGES_DOCKER=(docker.io)
PACKAGES_TOOLS=(debootstrap jq busybox-static rabbitmq-server gcc libc6-dev)
# The report's browser test needs a Chromium or Chrome. Debian ships the
# chromium deb; Ubuntu's "chromium" is a snap stub, and its GitHub runners
# already carry Google Chrome: install only where no browser is there.
BROWSERS=(chromium chromium-browser google-chrome google-chrome-stable)
WRAPPER=/usr/local/libexec/joblab/runc-without-sys-resource
DAEMON_JSON=/etc/docker/daemon.json
DOCKERD_LOG=/var/log/joblab-dockerd.log
CHECK_ONLY=false
[[ "${1:-}" == "--check" ]] && CHECK_ONLY=true

say() { printf 'prepare-host: %s\n' "$*"; }
die() { printf 'prepare-host: ERROR: %s\n' "$*" >&2; exit 1; }

need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    die "$1 needs root. Run 'sudo $0', or do it yourself: $2"
  fi
}

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if $CHECK_ONLY; then say "missing packages: ${missing[*]}"; MISSING=1; return 0; fi
  need_root "installing ${missing[*]}" "apt-get install ${missing[*]}"
  command -v apt-get >/dev/null || die "no apt-get on this host: install ${missing[*]} with your package manager"
  say "installing ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/joblab-apt.log 2>&1; then
    tail -n 20 /tmp/joblab-apt.log >&2
    die "apt-get could not install ${missing[*]} (no access to Debian's package mirror?). Full log: /tmp/joblab-apt.log"
  fi
}

# install_browser installs Debian's chromium when no browser is there and
# the distribution ships chromium as a real package (not a snap stub).
install_browser() {
  local b
  for b in "${BROWSERS[@]}"; do
    command -v "$b" >/dev/null && return 0
  done
  if [[ -r /etc/os-release ]] && grep -q '^ID=debian' /etc/os-release; then
    install_packages chromium
  else
    say "no Chromium or Chrome found: install one (the report's browser test needs it; e.g. Google Chrome)"
  fi
}

# The bounding set lacks CAP_SYS_RESOURCE (capability 24) on some sandboxes;
# privileged containers then fail with "unable to apply caps".
host_lacks_sys_resource() {
  local bnd
  bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  (( (16#$bnd >> 24 & 1) == 0 ))
}

write_wrapper() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp" <<'WRAP'
#!/usr/bin/env bash
# Installed by joblab's tools/prepare-host.sh. This host's capability bounding
# set lacks CAP_SYS_RESOURCE, so a container that asks for it (every
# privileged container does) cannot start. Remove it from the OCI bundle of
# "create"/"run" and from the process spec of "exec", then call runc.
set -euo pipefail
strip() {
  local f=$1 tmp
  [[ -f "$f" ]] || return 0
  tmp="$f.joblab"
  jq 'def drop: if type == "array" then map(select(. != "CAP_SYS_RESOURCE")) else . end;
      def fixcaps: if .capabilities then .capabilities |= with_entries(.value |= drop) else . end;
      if has("process") then .process |= fixcaps else fixcaps end' "$f" >"$tmp" && mv "$tmp" "$f"
}
args=("$@")
cmd=""
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[$i]}
  case "$a" in
    create|run|exec) [[ -z "$cmd" ]] && cmd=$a ;;
    --bundle|-b) [[ "$cmd" == create || "$cmd" == run ]] && strip "${args[$((i + 1))]}/config.json" ;;
    --bundle=*) [[ "$cmd" == create || "$cmd" == run ]] && strip "${a#--bundle=}/config.json" ;;
    --process|-p) [[ "$cmd" == exec ]] && strip "${args[$((i + 1))]}" ;;
    --process=*) [[ "$cmd" == exec ]] && strip "${a#--process=}" ;;
  esac
done
# create/run without --bundle use the current directory.
if [[ "$cmd" == create || "$cmd" == run ]] && [[ " ${args[*]} " != *" --bundle"* && " ${args[*]} " != *" -b "* ]]; then
  strip "$PWD/config.json"
fi
exec runc "$@"
WRAP
  if [[ -f "$WRAPPER" ]] && cmp -s "$tmp" "$WRAPPER"; then rm -f "$tmp"; return 1; fi
  if $CHECK_ONLY; then rm -f "$tmp"; say "runtime wrapper $WRAPPER is missing or outdated"; MISSING=1; return 1; fi
  mkdir -p "$(dirname "$WRAPPER")"
  install -m 0755 "$tmp" "$WRAPPER"
  rm -f "$tmp"
  say "installed OCI runtime wrapper $WRAPPER"
  return 0
}

# Registers the wrapper as dockerd's default runtime. Returns 0 when
# daemon.json changed.
configure_runtime() {
  local current desired
  current='{}'
  [[ -s "$DAEMON_JSON" ]] && current=$(cat "$DAEMON_JSON")
  desired=$(jq --arg p "$WRAPPER" '.runtimes["joblab-runc"] = {"path": $p} | ."default-runtime" = "joblab-runc"' <<<"$current") ||
    die "$DAEMON_JSON is not valid JSON: fix or remove it"
  if [[ "$(jq -S . <<<"$current")" == "$(jq -S . <<<"$desired")" ]]; then return 1; fi
  if $CHECK_ONLY; then say "$DAEMON_JSON does not register the runtime wrapper yet"; MISSING=1; return 1; fi
  mkdir -p "$(dirname "$DAEMON_JSON")"
  printf '%s\n' "$desired" >"$DAEMON_JSON"
  say "registered joblab-runc as dockerd's default runtime in $DAEMON_JSON"
  return 0
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

have_systemd() { [[ -d /run/systemd/system ]]; }

stop_dockerd() {
  if have_systemd; then systemctl stop docker docker.socket 2>/dev/null || true; return; fi
  if pgrep -x dockerd >/dev/null; then
    pkill -x dockerd || true
    for _ in $(seq 1 30); do pgrep -x dockerd >/dev/null || return 0; sleep 1; done
    die "dockerd did not stop within 30s; stop it yourself and run again"
  fi
}

start_dockerd() {
  if have_systemd; then
    systemctl enable --now docker >/dev/null 2>&1 || die "systemctl could not start docker: see 'journalctl -u docker'"
  else
    say "starting dockerd in the background (log: $DOCKERD_LOG)"
    nohup dockerd >>"$DOCKERD_LOG" 2>&1 &
  fi
  for _ in $(seq 1 60); do
    docker_answers && return 0
    sleep 1
  done
  tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
  die "dockerd did not answer within 60s. See $DOCKERD_LOG (or 'journalctl -u docker')"
}

main() {
  MISSING=0
  command -v docker >/dev/null && command -v dockerd >/dev/null || install_packages "${PACKAGES_DOCKER[@]}"
  install_packages "${PACKAGES_TOOLS[@]}"
  install_browser

  local restart=false
  if host_lacks_sys_resource; then
    say "this host's capability bounding set lacks CAP_SYS_RESOURCE: privileged containers need the runtime wrapper"
    if write_wrapper; then restart=true; fi
    if configure_runtime; then restart=true; fi
  fi

  if $CHECK_ONLY; then
    docker_answers || { say "the Docker engine does not answer"; MISSING=1; }
    [[ $MISSING -eq 0 ]] && say "host is ready" || exit 1
    return 0
  fi

  if docker_answers; then
    if $restart; then
      need_root "restarting dockerd" "restart the docker service"
      say "restarting dockerd to apply the runtime settings"
      stop_dockerd
      start_dockerd
    fi
  else
    need_root "starting dockerd" "start the docker service"
    pgrep -x dockerd >/dev/null && stop_dockerd
    start_dockerd
  fi
  say "host is ready: $(docker version --format 'Docker engine {{.Server.Version}} (API {{.Server.APIVersion}})')"
}

main "$@"
