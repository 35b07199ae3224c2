#!/usr/bin/env bash
# Tests the generated bash completion in a real bash: sources the script the build wrote, fills
# COMP_WORDS/COMP_CWORD as readline would, calls _mailverify and checks COMPREPLY.
# Usage: completion_test.sh MAILVERIFY COMPLETION_FILE
set -u
mailverify=$1
script=$2
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# flat TEXT: TEXT with its lines joined by spaces, for messages.
flat() { tr '\n' ' ' <<<"$1"; }

# The installed file is exactly what the program prints now (regenerated on every build).
if ! cmp -s "$script" <("$mailverify" completion bash); then
  fail "$script differs from 'mailverify completion bash'"
fi
# The generated script is clean shell (quoting, word splitting) by shellcheck's rules.
shellcheck -s bash "$script" || fail "shellcheck finds problems in $script"
# shellcheck source=/dev/null
source "$script" || { echo "FAIL: cannot source $script" >&2; exit 1; }
complete -p mailverify | grep -q -- '-F _mailverify' || fail "complete -F _mailverify not registered"

# comp WORD...: completes the last word; prints COMPREPLY sorted, one per line.
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _mailverify
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect "WANT LINES" WORD...: the completion of WORD... is exactly WANT (sorted, newline-joined).
expect() {
  local want=$1 got
  shift
  want=$(tr ' ' '\n' <<<"$want" | sed '/^$/d' | sort)
  got=$(comp "$@" | sed '/^$/d')
  [[ $got == "$want" ]] || fail "'$*': want [$(flat "$want")], got [$(flat "$got")]"
}

# expect_has WORD WORDS...: the completion contains WORD.
expect_has() {
  local word=$1
  shift
  comp "$@" | grep -qx -- "$word" || fail "'$*' does not offer $word"
}

expect_lacks() {
  local word=$1
  shift
  if comp "$@" | grep -qx -- "$word"; then fail "'$*' offers $word"; fi
}

# Commands.
expect "scan" mailverify sc
expect "dns-snapshot domains" mailverify d
expect "keygen keys" mailverify ke
expect "scan" mailverify --threads 2 sc  # a value before the command is not the command
for cmd in scan plan dns-snapshot merge slurm recover-keys domains keygen bundle keys help completion; do
  expect_has "$cmd" mailverify ""
done
expect "--help --version" mailverify --
# Options per command, prefixes.
expect "--dmarc-rules" mailverify scan --dmarc
expect "--threads" mailverify scan a.mbox --format jsonl --thr
expect "--pubkey" mailverify bundle verify --pu
expect "" mailverify scan --pub
expect_has "--shards" mailverify plan --
expect_lacks "--shards" mailverify scan --
expect_has "--tasks" mailverify slurm --
expect_has "-o" mailverify scan -
expect_has "--help" mailverify keygen --
# Enumerated values, after the option, split at '=' by COMP_WORDBREAKS, or joined.
expect "auto rfc7489 rfc9989" mailverify scan --dmarc-rules ""
expect "rfc7489 rfc9989" mailverify scan --dmarc-rules rfc
expect "ar json jsonl" mailverify scan --format ""
expect "ar json jsonl" mailverify scan --format = ""
expect "json jsonl" mailverify scan --format = js
expect "--format=ar" mailverify scan --format=a
expect "auto mboxcl2 mboxo mboxrd" mailverify scan --mbox-format ""
expect "now received" mailverify scan --at ""
expect "" mailverify scan --threads ""
# Subcommands, then operands.
expect "add-timestamp timestamp-request verify" mailverify bundle ""
expect "audit export" mailverify keys ""
expect "bundle" mailverify help bun
expect "bash" mailverify completion ""

# File and directory arguments.
dir=$(mktemp -d /tmp/mv-completion-test-XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bag"
touch "$dir/a.zone" "$dir/b.mbox"
cd "$dir" || exit 1
expect "a.zone b.mbox bag" mailverify scan ""
expect "a.zone" mailverify scan --dns-zone a
expect "a.zone" mailverify scan --dns-zone = a
expect "bag" mailverify scan --bundle ""
expect "bag" mailverify merge --plan p.json ""
expect "b.mbox" mailverify -o out scan b.
expect "" mailverify domains ""
cd - >/dev/null || exit 1

# Every option of the table (the top-level --help prints the whole table) is offered by some
# command, and each command offers exactly the options its --help lists.
all=$("$mailverify" --help | sed -n '/^Options/,$p' | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' |
  grep -oE -- '--[a-z0-9-]+' | sort -u)
[[ $(echo "$all" | wc -l) -gt 50 ]] || fail "too few options in --help: $(flat "$all")"
offered=""
for cmd in $("$mailverify" --help | sed -n '/^Commands:/,/^Run/p' | awk '/^  [a-z]/{print $1}'); do
  # `mailverify help --help` is the top-level help, not a list of help's own options.
  [[ $cmd == help ]] && continue
  got=$(comp mailverify "$cmd" -- | grep -- '^--')
  listed=$("$mailverify" "$cmd" --help | sed -n '/^Options/,$p' |
    grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sort -u)
  [[ $got == "$listed" ]] || fail "$cmd: completion [$(flat "$got")] != help [$(flat "$listed")]"
  offered+=$'\n'$got
done
missing=$(comm -23 <(echo "$all") <(echo "$offered" | sort -u))
[[ -z $missing ]] || fail "options never completed: $(flat "$missing")"

if ((failures > 0)); then
  echo "$failures completion check(s) failed" >&2
  exit 1
fi
echo "bash completion: all checks passed"
