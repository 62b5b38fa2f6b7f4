#!/bin/sh
# Creates the EVENTS stream and one durable consumer per projection from the definitions beside
# this script, with the nats CLI, where they do not exist yet. The app creates the same ones when
# they are absent; apply these first to manage them yourself (say, num_replicas 3 in a cluster).
#   infra/nats/apply.sh nats://nats:4222 users tickets chat voice roles customers projects
# (npm run cli -- projections status lists the projections.)
set -eu
here=$(dirname "$0")
server=${1:?usage: apply.sh <nats-url> <projection>...}
shift
nats --server "$server" stream info EVENTS >/dev/null 2>&1 \
  || nats --server "$server" stream add --config "$here/events.stream.json"
for projection in "$@"; do
  durable="projection-$(printf '%s' "$projection" | tr -c 'A-Za-z0-9_\n-' '_')"
  config=$(mktemp)
  sed "s/projection-PROJECTION/$durable/" "$here/projection.consumer.json" > "$config"
  nats --server "$server" consumer info EVENTS "$durable" >/dev/null 2>&1 \
    || nats --server "$server" consumer add EVENTS --config "$config"
  rm -f "$config"
done
