#!/usr/bin/env bash
# The data-portability flow on a fresh dev chain (pass --localnet to use scripts/localnet.sh's network).
exec "$(dirname "$0")/demo.sh" "$@" data-portability
