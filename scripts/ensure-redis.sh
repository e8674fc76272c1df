#!/usr/bin/env bash
# Debian's redis-server, for the zoo apps whose libraries need Redis (resumable-stream). Each
# test starts its own server on a free port and stops it; nothing runs as a service.
exec bash "$(dirname "$0")/ensure-apt.sh" /usr/bin/redis-server redis-server
