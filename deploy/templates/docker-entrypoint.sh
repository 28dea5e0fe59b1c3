#!/bin/sh
# @@notice@@
# Entry point of the Switchboard image: the first argument names the service, the rest go to it.
#   docker run IMAGE <service> | cli <command...> | healthcheck [service]
# Services: @@services@@ (the `switchboard.service` blocks of the workspace).
# `switchboard run <service>` starts one in this very process; it refuses a name no package
# declares (exit 64, listing the declared ones) and a service whose required variables are unset.
set -eu

# The image keeps the repository layout under /app; run from there wherever we are called from.
cd "$(dirname "$0")/.."

service="${1:-@@default@@}"
if [ "$#" -gt 0 ]; then shift; fi

# exec: node becomes PID 1 and receives SIGTERM itself, so a stop drains work in flight.
case "$service" in
  cli) exec @@cli@@ "$@" ;;
  healthcheck) exec node deploy/healthcheck.mjs "$@" ;;
  *) exec @@cli@@ run "$service" "$@" ;;
esac
