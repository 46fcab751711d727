#!/usr/bin/env bash
# start-rabbitmq.sh: make sure a RabbitMQ broker answers on 127.0.0.1:5672,
# for the tests of ./labs/... that talk to a real broker.
#
# Idempotent: when something already answers on the port it says so and
# exits 0. Otherwise it starts Debian's rabbitmq-server (systemd when this
# host runs systemd, else `rabbitmq-server -detached`) and waits up to
# $WAIT_SECONDS (60) for the port.
#
# Usage: tools/start-rabbitmq.sh   (as root; installs nothing:
#        tools/prepare-host.sh or `apt-get install rabbitmq-server` does)
set -euo pipefail

HOST=127.0.0.1
PORT=5672
WAIT_SECONDS=${WAIT_SECONDS:-60}
LOG_DIR=/var/log/rabbitmq

die() {
	echo "start-rabbitmq: $*" >&2
	exit 1
}

# answers reports whether a TCP connection to HOST:PORT succeeds.
answers() {
	timeout 3 bash -c "exec 3<>/dev/tcp/${HOST}/${PORT}" 2>/dev/null
}

if answers; then
	echo "RabbitMQ already answers on ${HOST}:${PORT}"
	exit 0
fi

command -v rabbitmq-server >/dev/null 2>&1 ||
	die "rabbitmq-server is not installed: run tools/prepare-host.sh (or apt-get install rabbitmq-server)"
[[ $(id -u) -eq 0 ]] ||
	die "nothing answers on ${HOST}:${PORT} and starting Debian's rabbitmq-server needs root: run 'sudo $0'"

if [[ -d /run/systemd/system ]]; then
	echo "starting rabbitmq-server with systemd"
	systemctl start rabbitmq-server ||
		die "systemctl start rabbitmq-server failed: see 'journalctl -u rabbitmq-server'"
else
	echo "starting rabbitmq-server -detached (no systemd on this host)"
	# Debian's wrapper switches to the rabbitmq user; -detached returns
	# once the Erlang VM is forked.
	rabbitmq-server -detached ||
		die "rabbitmq-server -detached failed: see ${LOG_DIR}/"
fi

for ((i = 0; i < WAIT_SECONDS; i++)); do
	if answers; then
		echo "RabbitMQ answers on ${HOST}:${PORT} after ${i}s"
		exit 0
	fi
	sleep 1
done

die "RabbitMQ did not answer on ${HOST}:${PORT} within ${WAIT_SECONDS}s: see the logs in ${LOG_DIR}/ and 'rabbitmq-diagnostics status'"
