#!/bin/sh
# Entry point of the Switchboard image: the first argument names the service, the rest go to it.
#   docker run IMAGE worker | http | slack | discord | dashboard | cli <command...> | healthcheck [service]
# The names are the `switchboard.service` names of the packages (plus `cli` and `healthcheck`);
# test/src/deploy checks that this list and the package.json files agree.
set -eu

# The image keeps the repository layout under /app; run from there wherever we are called from.
cd "$(dirname "$0")/.."

service="${1:-worker}"
if [ "$#" -gt 0 ]; then shift; fi

case "$service" in
  worker) entry=worker/src/worker-main.ts ;;
  http) entry=plugins/http/src/http-main.ts ;;
  slack) entry=plugins/slack/src/slack-main.ts ;;
  discord) entry=plugins/discord/src/discord-main.ts ;;
  dashboard) entry=dashboard/src/dashboard-main.ts ;;
  cli) entry=plugins/cli/src/main.ts ;;
  healthcheck) exec node deploy/healthcheck.mjs "$@" ;;
  *)
    echo "switchboard image: unknown service \"$service\"." >&2
    echo "Run one of: worker, http, slack, discord, dashboard, cli <command>, healthcheck [service]." >&2
    exit 64
    ;;
esac

# exec: node becomes PID 1 and receives SIGTERM itself, so a stop drains work in flight.
exec node --import tsx "$entry" "$@"
