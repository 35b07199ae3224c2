#!/usr/bin/env bash
# Tests per-command help through the built executable: `mailverify CMD --help` and
# `mailverify help CMD` print the same text on stdout, nothing on stderr, exit 0, and name the
# command's own options only; an unknown command is a usage error (exit 2, message on stderr).
# Usage: command_help_test.sh MAILVERIFY
set -u
mailverify=$1
failures=0
tmp=$(mktemp -d /tmp/mv-help-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run NAME ARGS...: runs mailverify, keeps stdout/stderr in $tmp/NAME.out/.err, sets $rc.
run() {
  local name=$1
  shift
  "$mailverify" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
}

run top --help
[[ $rc == 0 ]] || fail "--help exit $rc"
commands=$(sed -n '/^Commands:/,/^Run/p' "$tmp/top.out" | awk '/^  [a-z]/{print $1}')
[[ $(echo "$commands" | wc -w) -ge 12 ]] || fail "--help lists too few commands: $commands"
for cmd in scan bundle keys domains recover-keys plan merge slurm dns-snapshot keygen; do
  grep -qE "^  $cmd +[a-z]" "$tmp/top.out" || fail "--help does not list $cmd"
done

for cmd in $commands; do
  [[ $cmd == help ]] && continue  # `help --help` is the top-level help
  run "$cmd" "$cmd" --help
  [[ $rc == 0 ]] || fail "$cmd --help exit $rc"
  [[ -s $tmp/$cmd.err ]] && fail "$cmd --help wrote to stderr: $(cat "$tmp/$cmd.err")"
  head -1 "$tmp/$cmd.out" | grep -q "^Usage: mailverify $cmd" || fail "$cmd --help: no usage line"
  grep -q -- "--help" "$tmp/$cmd.out" || fail "$cmd --help does not list --help"
  run "help-$cmd" help "$cmd"
  [[ $rc == 0 ]] || fail "help $cmd exit $rc"
  cmp -s "$tmp/$cmd.out" "$tmp/help-$cmd.out" || fail "help $cmd differs from $cmd --help"
  # --help after other arguments still means help (scan needs no PATH for it).
  run "late-$cmd" "$cmd" x --threads 2 --help
  cmp -s "$tmp/$cmd.out" "$tmp/late-$cmd.out" || fail "$cmd x --help differs from $cmd --help"
done

# has CMD TEXT / lacks CMD TEXT: the help of CMD contains (or not) the option TEXT.
has() { grep -q -- "$2" "$tmp/$1.out" || fail "$1 --help does not name $2"; }
lacks() { if grep -q -- "$2" "$tmp/$1.out"; then fail "$1 --help names $2"; fi; }
has scan "--dns-zone FILE"
has scan "--html FILE"
has scan "--dmarc-rules RULES"
lacks scan "--pubkey"
lacks scan "--tasks"
lacks scan "--selector"
has bundle "--pubkey FILE"
has bundle "--replay"
lacks bundle "--dns-zone"
lacks bundle "--html"
has keys "--known-moduli FILE"
lacks keys "--pubkey"
has domains "--json"
lacks domains "--html"
has recover-keys "--selector NAME"
has recover-keys "--max-seconds-per-key"
lacks recover-keys "--shards"
has plan "--shards N"
lacks plan "--html"
has merge "--plan FILE"
lacks merge "--dmarc-rules"
has slurm "--throttle K"
lacks keygen "--output"

run unknown help no-such-command
[[ $rc == 2 ]] || fail "help no-such-command exit $rc, want 2"
[[ -s $tmp/unknown.out ]] && fail "help no-such-command wrote to stdout"
grep -q "no-such-command" "$tmp/unknown.err" || fail "help no-such-command: no message"
run zsh completion zsh
[[ $rc == 2 ]] || fail "completion zsh exit $rc, want 2"

if ((failures > 0)); then
  echo "$failures help check(s) failed" >&2
  exit 1
fi
echo "per-command help: all checks passed"
