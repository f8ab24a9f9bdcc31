#!/usr/bin/env bash
# The hash-verification flow on a fresh dev chain (pass --localnet to use scripts/localnet.sh's network).
exec "$(dirname "$0")/demo.sh" "$@" hash-verification
