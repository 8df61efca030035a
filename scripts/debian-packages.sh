#!/bin/sh
# Install the Debian packages that ftm's tests and benchmarks run for real:
# dovecot-imapd (a private IMAP server per test session) and postfix (only for its
# smtp-sink/smtp-source tools; "No configuration" means no daemon is set up).
# With the argument "venv": only python3-venv, for a Debian Python without ensurepip.
set -eu
missing=""
if [ "${1:-}" = venv ]; then
    missing="python3-venv"
else
    [ -x /usr/sbin/dovecot ] || missing="$missing dovecot-imapd"
    command -v smtp-sink >/dev/null 2>&1 || [ -x /usr/sbin/smtp-sink ] || missing="$missing postfix"
fi
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ]; then
    echo "ftm tests need:$missing -- run as root, or: sudo apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing Debian packages:$missing"
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
