#!/usr/bin/env bash
# Start/stop/status of the real log daemons this machine has no init system for:
#   systemd-journald, standalone: without socket activation it binds its own sockets
#     (/run/systemd/journal/{socket,stdout,dev-log}), reads /dev/kmsg and joins the audit
#     netlink multicast group. /dev/log is pointed at its dev-log socket, and it forwards
#     syslog(3) messages to /run/systemd/journal/syslog (Debian's ForwardToSyslog=yes).
#   rsyslogd, Debian's /etc/rsyslog.conf with imuxsock moved onto
#     /run/systemd/journal/syslog (as it is under systemd) and imklog for kernel messages.
#     journald does not forward kernel messages, so each lands in kern.log/syslog once.
# auditd is never left running: while it runs the kernel stops printing audit records.
# Idempotent and quiet when everything already runs. Runtime state lives in /run only.
set -euo pipefail

readonly state_dir=/run/snappy-debug
readonly journal_dir=/run/systemd/journal
readonly journald_bin=/lib/systemd/systemd-journald
readonly journald_pidfile=$state_dir/journald.pid
readonly rsyslog_conf=$state_dir/rsyslog.conf
readonly rsyslog_pidfile=$state_dir/rsyslogd.pid

die() {
  echo "daemons.sh: $*" >&2
  exit 1
}

# A process killed a moment ago stays a zombie until its parent reaps it: not running.
running() { # pid
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$state" ] && [ "$state" != Z ]
}

pid_alive() { # pidfile, expected comm
  local pid
  [ -r "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && running "$pid"
}

wait_for() { # what, test command...
  local what=$1
  shift
  for _ in $(seq 1 100); do
    if "$@"; then return 0; fi
    sleep 0.05
  done
  die "cannot start $what: not ready after 5 seconds"
}

start_journald() {
  pid_alive "$journald_pidfile" systemd-journal && return 0
  [ -x "$journald_bin" ] || die "cannot find $journald_bin (package systemd)"
  mkdir -p "$journal_dir" "$state_dir"
  rm -f "$journal_dir/socket" "$journal_dir/stdout" "$journal_dir/dev-log"
  setsid "$journald_bin" </dev/null >>"$state_dir/journald.log" 2>&1 &
  echo $! >"$journald_pidfile"
  wait_for systemd-journald test -S "$journal_dir/dev-log"
  ln -sfn "$journal_dir/dev-log" /dev/log
}

write_rsyslog_conf() {
  [ -r /etc/rsyslog.conf ] || die "cannot read /etc/rsyslog.conf (package rsyslog)"
  grep -q '^module(load="imuxsock")' /etc/rsyslog.conf ||
    die "cannot find the imuxsock module line in /etc/rsyslog.conf"
  sed 's|^module(load="imuxsock")|module(load="imuxsock" SysSock.Name="/run/systemd/journal/syslog")|' \
    /etc/rsyslog.conf >"$rsyslog_conf.tmp"
  mv "$rsyslog_conf.tmp" "$rsyslog_conf"
}

start_rsyslog() {
  pid_alive "$rsyslog_pidfile" rsyslogd && return 0
  command -v rsyslogd >/dev/null || die "cannot find rsyslogd (package rsyslog)"
  write_rsyslog_conf
  mkdir -p /var/spool/rsyslog
  rsyslogd -f "$rsyslog_conf" -i "$rsyslog_pidfile" >>"$state_dir/rsyslogd.log" 2>&1 ||
    die "cannot start rsyslogd (see $state_dir/rsyslogd.log)"
  wait_for rsyslogd test -S "$journal_dir/syslog"
}

stop_pid() { # pidfile, comm
  local pid
  pid_alive "$1" "$2" || {
    rm -f "$1"
    return 0
  }
  pid=$(cat "$1")
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    running "$pid" || break
    sleep 0.05
  done
  running "$pid" && die "cannot stop $2 (pid $pid)"
  rm -f "$1"
}

status_line() { # name, pidfile, comm
  if pid_alive "$2" "$3"; then
    echo "$1: running (pid $(cat "$2"))"
  else
    echo "$1: stopped"
    return 1
  fi
}

case "${1:-}" in
start)
  [ "$(id -u)" -eq 0 ] || die "cannot start daemons: run as root"
  mkdir -p "$state_dir"
  start_journald
  start_rsyslog
  ;;
stop)
  stop_pid "$rsyslog_pidfile" rsyslogd
  stop_pid "$journald_pidfile" systemd-journal
  [ "$(readlink /dev/log 2>/dev/null)" = "$journal_dir/dev-log" ] && rm -f /dev/log
  rm -f "$journal_dir/socket" "$journal_dir/stdout" "$journal_dir/dev-log" "$journal_dir/syslog"
  ;;
status)
  rc=0
  status_line systemd-journald "$journald_pidfile" systemd-journal || rc=1
  status_line rsyslogd "$rsyslog_pidfile" rsyslogd || rc=1
  exit $rc
  ;;
*)
  die "cannot understand \"${1:-}\"; usage: daemons.sh start|stop|status"
  ;;
esac
