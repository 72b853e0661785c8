#!/usr/bin/env bash
# credit-new-payments.sh ACCOUNT_ID
#
# Credits every new (status 1) payment of one client to the client's balance.
# Needs bash and billmgr only (no jq), configured by the environment:
#   BILLMGR_URL, BILLMGR_USER, BILLMGR_PASSWORD_FILE
# Exits 0 when every new payment was credited; otherwise with the exit code of the
# billmgr call that failed (1 the server refused, 2 usage, 3 network, 4 a credit that may
# have been applied, 5 credentials refused), having credited the payments before it.
set -euo pipefail

account=${1:?usage: credit-new-payments.sh ACCOUNT_ID}

# Collect the ids first, then credit: a credited payment leaves the list of new ones,
# which would shift the pages of a list still being read.
ids=$(mktemp)
trap 'rm -f "$ids"' EXIT
billmgr payments list --account "$account" --status 1 --all -o ids >"$ids"

credited=0
while read -r id; do
	billmgr payments setpaid "$id"
	credited=$((credited + 1))
done <"$ids"
echo "credited $credited new payment(s) of client $account" >&2
